//! The one place the CLI sends a planned provider request with ureq and
//! reads the answer, for `huntkit ti` and `huntkit query` alike.

use huntkit_core::providers::{HttpResponse, Method};

/// Why a call failed, with ureq's message as is: callers name the provider
/// and redact their own secrets (a URL or an echo may carry a key).
pub(crate) enum SendError {
    /// No answer: connection, TLS, timeout.
    Unreachable(String),
    /// An answer whose body could not be read (too large, not text).
    Unreadable(String),
}

/// Sends `method url?query` with `headers` (and `body` on POST) and reads the
/// answer: header names lower-cased, at most `limit` bytes of body.
pub(crate) fn send(
    agent: &ureq::Agent,
    method: Method,
    url: &str,
    query: &[(String, String)],
    headers: &[(String, String)],
    body: Option<&str>,
    limit: u64,
) -> Result<HttpResponse, SendError> {
    let result = match method {
        Method::Get => {
            let mut r = agent.get(url);
            for (k, v) in query {
                r = r.query(k, v);
            }
            for (k, v) in headers {
                r = r.header(k, v);
            }
            r.call()
        }
        Method::Post => {
            let mut r = agent.post(url);
            for (k, v) in query {
                r = r.query(k, v);
            }
            for (k, v) in headers {
                r = r.header(k, v);
            }
            r.send(body.unwrap_or_default())
        }
    };
    let mut response = result.map_err(|e| SendError::Unreachable(e.to_string()))?;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_ascii_lowercase(),
                v.to_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let body = response
        .body_mut()
        .with_config()
        .limit(limit)
        .read_to_string()
        .map_err(|e| SendError::Unreadable(e.to_string()))?;
    Ok(HttpResponse {
        status,
        headers,
        body,
    })
}
