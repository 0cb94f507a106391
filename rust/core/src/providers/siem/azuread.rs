//! Microsoft Entra ID (Azure AD) tokens for the Azure query providers: the
//! OAuth2 client-credentials request (`POST {authority}/{tenant}/oauth2/
//! v2.0/token`, form `grant_type=client_credentials&client_id&
//! client_secret&scope`) and its answer (`{"access_token", "expires_in"}`
//! or `{"error", "error_description"}`).
//!
//! Only hosts build this request: unlike every other [`HttpRequest`], its
//! body carries a secret (the client secret), so it is never planned by
//! or shown to a page. The authority is one of the public and sovereign
//! clouds' (`AZURE_AUTHORITY_HOST` picks one).

use serde::Serialize;
use serde_json::Value as Json;

use super::splunk::form;
use crate::error::{Error, ErrorKind, Result};
use crate::providers::{
    Auth, BaseUrl, HttpRequest, HttpResponse, ListedBases, Method, OperationDef, ProviderDef,
    ProviderKind,
};

/// The authorities tokens may come from: Azure public, US Government and
/// China clouds.
pub const AUTHORITIES: &[&str] = &[
    "https://login.microsoftonline.com",
    "https://login.microsoftonline.us",
    "https://login.chinacloudapi.cn",
];

/// The registry entry of the token endpoint; its credentials are
/// `DataProviders.AzureCLI.Args.{tenantId, clientId, clientSecret}` (as
/// MSTICPy keeps them) or `AZURE_TENANT_ID`/`AZURE_CLIENT_ID`/
/// `AZURE_CLIENT_SECRET`.
pub static AZUREAD: ProviderDef = ProviderDef {
    name: "azuread",
    config_name: "AzureCLI",
    kind: ProviderKind::Auth,
    base_url: BaseUrl::Listed(ListedBases(|| AUTHORITIES)),
    auth: Auth::None,
    operations: &[OperationDef {
        name: "token",
        method: Method::Post,
        path_pattern: r"^/[A-Za-z0-9][A-Za-z0-9.-]{0,252}/oauth2/v2\.0/token$",
    }],
    rate_limit: None,
};

/// An application's credentials (a service principal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCredentials {
    /// Tenant id (a GUID) or a verified domain.
    pub tenant_id: String,
    /// Application (client) id.
    pub client_id: String,
    /// Client secret.
    pub client_secret: String,
}

/// A token and how long it is valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessToken {
    /// The bearer token.
    #[serde(skip)]
    pub token: String,
    /// Seconds it is valid for from when it was issued.
    pub expires_in: u64,
}

fn invalid(message: String) -> Error {
    Error::new(ErrorKind::InvalidOption {
        name: "azure".into(),
        message,
    })
}

/// The scope to ask a token for to call `def` at `base_url` (Kusto's
/// scope is its cluster's URL); `None` for providers without bearer auth.
pub fn scope_for(def: &ProviderDef, base_url: &str) -> Option<String> {
    match &def.auth {
        Auth::Bearer { scope } => Some(scope.replace("{base_url}", base_url.trim_end_matches('/'))),
        _ => None,
    }
}

/// The token request; `authority` is one of [`AUTHORITIES`] (default the
/// public cloud's).
pub fn token_request(
    creds: &ClientCredentials,
    scope: &str,
    authority: Option<&str>,
) -> Result<HttpRequest> {
    let tenant = creds.tenant_id.trim();
    let ok_tenant = !tenant.is_empty()
        && tenant.len() <= 253
        && tenant.as_bytes()[0].is_ascii_alphanumeric()
        && tenant
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    if !ok_tenant {
        return Err(invalid(format!(
            "tenant id {tenant:?} is not a GUID or domain"
        )));
    }
    if creds.client_id.trim().is_empty() || creds.client_secret.is_empty() {
        return Err(invalid("a client id and a client secret are needed".into()));
    }
    let base_url = match authority.map(|a| a.trim().trim_end_matches('/')) {
        None | Some("") => None,
        Some(a) if AZUREAD.base_url.admits(a) => Some(a.to_string()),
        Some(a) => {
            return Err(invalid(format!(
                "authority {a:?} is not one of {}",
                AUTHORITIES.join(", ")
            )))
        }
    };
    Ok(HttpRequest {
        provider: AZUREAD.name.into(),
        operation: "token".into(),
        method: Method::Post,
        base_url: base_url.or_else(|| Some(AUTHORITIES[0].to_string())),
        path: format!("/{tenant}/oauth2/v2.0/token"),
        query: Vec::new(),
        headers: vec![
            ("accept".into(), "application/json".into()),
            (
                "content-type".into(),
                "application/x-www-form-urlencoded".into(),
            ),
        ],
        body: Some(form(&[
            ("grant_type", "client_credentials"),
            ("client_id", creds.client_id.trim()),
            ("client_secret", &creds.client_secret),
            ("scope", scope),
        ])),
    })
}

/// The token in an answer, or a message with the service's error code and
/// description (never the secret: it is not in the answer).
pub fn parse_token(resp: &HttpResponse) -> std::result::Result<AccessToken, String> {
    let body: Option<Json> = serde_json::from_str(&resp.body).ok();
    if !(200..300).contains(&resp.status) {
        let code = body
            .as_ref()
            .and_then(|b| b.get("error"))
            .and_then(Json::as_str)
            .unwrap_or("");
        let why = body
            .as_ref()
            .and_then(|b| b.get("error_description"))
            .and_then(Json::as_str)
            .map(|d| d.lines().next().unwrap_or(d))
            .unwrap_or("");
        return Err(
            format!("azure sign-in failed: http {} {code} {why}", resp.status)
                .trim()
                .to_string(),
        );
    }
    let Some(body) = body else {
        return Err("azure sign-in failed: the token answer is not JSON".into());
    };
    let token = body
        .get("access_token")
        .and_then(Json::as_str)
        .filter(|t| !t.is_empty())
        .ok_or("azure sign-in failed: the answer has no access_token")?;
    let expires_in = match body.get("expires_in") {
        Some(Json::Number(n)) => n.as_u64().unwrap_or(0),
        Some(Json::String(s)) => s.parse().unwrap_or(0),
        _ => 0,
    };
    Ok(AccessToken {
        token: token.to_string(),
        expires_in,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::siem::{answer, KUSTO, LOGANALYTICS};

    #[test]
    fn client_credentials() {
        let c = ClientCredentials {
            tenant_id: "72f988bf-86f1-41af-91ab-2d7cd011db47".into(),
            client_id: "app".into(),
            client_secret: "s&cr=t".into(),
        };
        let scope = scope_for(&LOGANALYTICS, "https://api.loganalytics.io").unwrap();
        let r = token_request(&c, &scope, None).unwrap();
        assert_eq!(
            r.path,
            "/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token"
        );
        assert_eq!(
            r.base_url.as_deref(),
            Some("https://login.microsoftonline.com")
        );
        assert_eq!(
            r.body.as_deref(),
            Some("grant_type=client_credentials&client_id=app&client_secret=s%26cr%3Dt&scope=https%3A%2F%2Fapi.loganalytics.io%2F.default")
        );
        assert_eq!(
            scope_for(&KUSTO, "https://help.kusto.windows.net/").as_deref(),
            Some("https://help.kusto.windows.net/.default")
        );
        assert!(token_request(&c, &scope, Some("https://evil.example")).is_err());
        let bad = ClientCredentials {
            tenant_id: "../x".into(),
            ..c.clone()
        };
        assert!(token_request(&bad, &scope, None).is_err());
        let t = parse_token(&answer(
            200,
            r#"{"token_type":"Bearer","expires_in":3599,"access_token":"eyJ0"}"#,
        ))
        .unwrap();
        assert_eq!((t.token.as_str(), t.expires_in), ("eyJ0", 3599));
        let e = parse_token(&answer(
            401,
            r#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.\r\nTrace ID: x"}"#,
        ))
        .unwrap_err();
        assert_eq!(
            e,
            "azure sign-in failed: http 401 invalid_client AADSTS7000215: Invalid client secret provided."
        );
    }
}
