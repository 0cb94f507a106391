//! The request a provider module builds and the response a host hands back.

use serde::{Deserialize, Serialize};

/// The HTTP methods provider APIs use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    /// Lookups.
    Get,
    /// Queries and token requests.
    Post,
}

/// One call, with no host and no credentials: the host adds both from the
/// provider's [`ProviderDef`](super::ProviderDef) and its own configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HttpRequest {
    /// Registry name of the provider (`virustotal`, `loganalytics`, …).
    pub provider: String,
    /// Operation name within the provider; selects the allowed path pattern.
    pub operation: String,
    /// HTTP method.
    pub method: Method,
    /// The base URL to call, for providers whose [`BaseUrl`](super::BaseUrl)
    /// is `Listed` (RDAP): must be one of the listed bases. `None` for every
    /// other provider (the host uses the registry's base).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// Path after the provider's base URL, starting with `/`, percent-encoded.
    pub path: String,
    /// Query parameters, not yet encoded.
    #[serde(default)]
    pub query: Vec<(String, String)>,
    /// Headers that carry no secret (`accept`, `content-type`, …).
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// Request body (JSON or form text), if any.
    #[serde(default)]
    pub body: Option<String>,
}

/// What the host got back. Bodies are text: every provider here answers JSON
/// (or CSV/TorDNSEL text); binary answers are not expected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HttpResponse {
    /// HTTP status code.
    pub status: u16,
    /// Response headers, names lower case (`retry-after`, `content-type`).
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// Response body as text.
    pub body: String,
}

impl HttpResponse {
    /// The first header with this (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The only headers a request from the page may carry. Anything else (and so
/// any credential, cookie or `host` header) makes the host refuse the call:
/// credentials are added by the host alone.
pub const REQUEST_HEADERS: &[&str] = &["accept", "content-type"];

/// The response headers a host hands back, names lower case: what the core
/// reads (content type, `retry-after` and rate-limit state for backing off,
/// `location` so a refused redirect can be reported). Everything else (set
/// cookies, server banners) stays in the host.
pub const RESPONSE_HEADERS: &[&str] = &[
    "content-type",
    "retry-after",
    "location",
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
];
