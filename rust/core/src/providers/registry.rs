//! Every provider huntkit can call, as data: base URL, operations (each with
//! the only paths it may request), authentication and published rate limit.
//!
//! This is the one list of provider names. The hosts read it as generated
//! JSON (`gen_contract`) to build the allow-list and inject credentials, so a
//! host never types a provider, a host name or a header name itself.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::Method;

/// What a provider is for; the UI groups them by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProviderKind {
    /// Threat intelligence lookups (reputation of an observable).
    Ti,
    /// Context: GeoIP, WhoIs/RDAP, Tor exit nodes.
    Context,
    /// SIEM query APIs (Log Analytics, Defender, Kusto, Splunk).
    Siem,
    /// Token endpoints (Azure AD) used by other providers.
    Auth,
}

/// Where a provider's requests go. Never from the page: either fixed here or
/// read by the host from its own configuration file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "type", content = "value")]
pub enum BaseUrl {
    /// A fixed `https://host[/prefix]`.
    Fixed(&'static str),
    /// Read from this key of the provider's configuration section (a Kusto
    /// cluster, a Splunk server); the host puts the configured host on its
    /// allow-list.
    FromConfig(&'static str),
    /// One of these fixed `https://host[/prefix]` bases, chosen per request
    /// (RDAP: the registry serving the observable, from the bundled IANA
    /// bootstrap data). The request names its choice in
    /// [`HttpRequest::base_url`](super::HttpRequest::base_url); the host
    /// refuses any base not in this list.
    Listed(#[schemars(with = "Vec<String>")] ListedBases),
}

/// The bases of a [`BaseUrl::Listed`] provider. A function rather than a
/// slice because RDAP's list is read from the bundled IANA bootstrap files
/// on first use, not typed here.
#[derive(Clone, Copy)]
pub struct ListedBases(pub fn() -> &'static [&'static str]);

impl std::ops::Deref for ListedBases {
    type Target = [&'static str];
    fn deref(&self) -> &Self::Target {
        (self.0)()
    }
}

impl PartialEq for ListedBases {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for ListedBases {}

impl std::fmt::Debug for ListedBases {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for ListedBases {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl BaseUrl {
    /// Whether `base` is one this provider may be called at (for `Fixed`,
    /// the one; for `Listed`, one of the list; never for `FromConfig`,
    /// which the host resolves from its own configuration).
    pub fn admits(&self, base: &str) -> bool {
        match self {
            BaseUrl::Fixed(b) => *b == base,
            BaseUrl::Listed(list) => list.contains(&base),
            BaseUrl::FromConfig(_) => false,
        }
    }
}

/// How the host authenticates a request; the secret values come from the
/// host's configuration, named by these keys (msticpyconfig.yaml's `Args`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Auth {
    /// No credentials (Tor exit list, RDAP).
    None,
    /// The key in a header (`x-apikey`, `Key`, `X-OTX-API-KEY`).
    Header {
        /// Header name.
        header: &'static str,
        /// Configuration key holding the secret (`AuthKey`).
        config_key: &'static str,
    },
    /// The key as a query parameter (IPStack's `access_key`).
    Query {
        /// Query parameter name.
        param: &'static str,
        /// Configuration key holding the secret.
        config_key: &'static str,
    },
    /// HTTP basic authentication (IBM X-Force).
    Basic {
        /// Configuration key holding the user or key id.
        user_key: &'static str,
        /// Configuration key holding the password or secret.
        password_key: &'static str,
    },
    /// An OAuth bearer token for this resource scope (Azure AD).
    Bearer {
        /// Token scope (`https://api.loganalytics.io/.default`);
        /// `{base_url}` stands for the provider's base URL (a Kusto
        /// cluster's scope is its own URL).
        scope: &'static str,
    },
    /// Splunk: `Authorization: Bearer <token>` when the token key is set,
    /// else HTTP basic authentication with the user and password keys.
    BasicOrToken {
        /// Configuration key holding the user name.
        user_key: &'static str,
        /// Configuration key holding the password.
        password_key: &'static str,
        /// Configuration key holding an authentication token.
        token_key: &'static str,
    },
}

/// One operation of a provider and the paths it may request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OperationDef {
    /// Operation name (`ip`, `domain`, `file_hash`, `query`).
    pub name: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Anchored regular expression the request path must match; the host
    /// refuses any other path.
    pub path_pattern: &'static str,
}

/// A provider's published rate limit: at most `requests` per `per_seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RateLimit {
    /// Requests allowed in the window.
    pub requests: u32,
    /// Window length in seconds.
    pub per_seconds: u32,
}

/// Everything a host needs to perform a provider's calls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProviderDef {
    /// Registry name, lower case (`virustotal`).
    pub name: &'static str,
    /// Name as msticpyconfig.yaml spells the section (`VirusTotal`).
    pub config_name: &'static str,
    /// What it is for.
    pub kind: ProviderKind,
    /// Where requests go.
    pub base_url: BaseUrl,
    /// How requests are authenticated.
    pub auth: Auth,
    /// The operations, each with its allowed paths.
    pub operations: &'static [OperationDef],
    /// Published rate limit, if any.
    pub rate_limit: Option<RateLimit>,
}

impl ProviderDef {
    /// The operation with this name.
    pub fn operation(&self, name: &str) -> Option<&OperationDef> {
        self.operations.iter().find(|o| o.name == name)
    }
}

/// Every provider, in display order: the threat-intelligence and context
/// providers of [`ti`](super::ti), the SIEM query providers of
/// [`siem`](super::siem) and the Azure token endpoint (each module holds
/// its own definition, listed once in `ti::providers()` /
/// `siem::providers()`).
pub fn registry() -> &'static [&'static ProviderDef] {
    static ALL: OnceLock<Vec<&'static ProviderDef>> = OnceLock::new();
    ALL.get_or_init(|| {
        super::ti::providers()
            .iter()
            .map(|p| p.def)
            .chain(super::siem::providers().iter().map(|p| p.def))
            .chain([&super::siem::AZUREAD])
            .collect()
    })
}

/// The provider with this registry name.
pub fn provider(name: &str) -> Option<&'static ProviderDef> {
    registry().iter().copied().find(|p| p.name == name)
}
