//! One result row shape for every provider, and the table of them.

use serde::{Deserialize, Serialize};

use super::observable::{Observable, Rejected};
use crate::table::{Frame, FrameColumn};

/// How bad a provider says an observable is.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Nothing bad known (or no verdict).
    #[default]
    Information,
    /// Some reports, or noisy/suspicious.
    Warning,
    /// Known bad.
    High,
}

impl Severity {
    /// The name in the `Severity` column.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Information => "information",
            Severity::Warning => "warning",
            Severity::High => "high",
        }
    }
}

/// What happened to one lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LookupStatus {
    /// The provider answered with data for the observable.
    Ok,
    /// The provider does not know the observable (HTTP 404 or an empty answer).
    NotFound,
    /// HTTP 401: the key is missing or wrong. Check the configuration.
    Unauthorized,
    /// HTTP 403: the key may not use this operation (plan or quota).
    Forbidden,
    /// HTTP 429 after the retries allowed: try again later.
    RateLimited,
    /// The answer was not in the provider's documented shape.
    BadResponse,
    /// The provider does not look up this observable type.
    NotSupported,
    /// A private, loopback, link-local, multicast, reserved or unspecified
    /// IP address: never sent to a provider.
    PrivateIp,
    /// The observable is malformed (no dot, too little entropy, …): not sent.
    Invalid,
    /// The provider needs a key and none is configured.
    NotConfigured,
    /// Anything else: a network failure or an unexpected HTTP status.
    Error,
}

impl LookupStatus {
    /// The name in the `Status` column.
    pub fn name(self) -> &'static str {
        match self {
            LookupStatus::Ok => "ok",
            LookupStatus::NotFound => "not_found",
            LookupStatus::Unauthorized => "unauthorized",
            LookupStatus::Forbidden => "forbidden",
            LookupStatus::RateLimited => "rate_limited",
            LookupStatus::BadResponse => "bad_response",
            LookupStatus::NotSupported => "not_supported",
            LookupStatus::PrivateIp => "private_ip",
            LookupStatus::Invalid => "invalid",
            LookupStatus::NotConfigured => "not_configured",
            LookupStatus::Error => "error",
        }
    }
}

/// One row of the lookup table: MSTICPy's columns, plus `Status`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LookupResult {
    /// The observable as given.
    pub ioc: String,
    /// Its type (`ipv4`, `dns`, `url`, `sha256_hash`, …), empty when unknown.
    pub ioc_type: String,
    /// The value sent (refanged, cleaned).
    pub safe_ioc: String,
    /// The provider's operation (`ip`, `domain`, `file`, `url`, …).
    pub query_subtype: String,
    /// Registry name of the provider.
    pub provider: String,
    /// Whether the provider returned data for the observable.
    pub result: bool,
    /// The provider's verdict, by the rules in its module's documentation.
    pub severity: Severity,
    /// The fields an analyst reads first, or a `message` saying what failed.
    pub details: serde_json::Value,
    /// The answer's body as received.
    pub raw_result: String,
    /// A page about the observable for a human, when the provider has one.
    pub reference: String,
    /// What happened.
    pub status: LookupStatus,
}

impl LookupResult {
    /// An empty `ok`-less row for `obs` and `provider`, status `error` until
    /// a parser fills it in.
    pub fn new(obs: &Observable, provider: &str, subtype: &str) -> LookupResult {
        LookupResult {
            ioc: obs.ioc.clone(),
            ioc_type: obs.ioc_type.name().to_string(),
            safe_ioc: obs.value.clone(),
            query_subtype: subtype.to_string(),
            provider: provider.to_string(),
            result: false,
            severity: Severity::Information,
            details: serde_json::Value::Null,
            raw_result: String::new(),
            reference: String::new(),
            status: LookupStatus::Error,
        }
    }

    /// The row for an observable that was not sent.
    pub fn rejected(rejected: &Rejected, provider: &str) -> LookupResult {
        LookupResult {
            ioc: rejected.ioc.clone(),
            ioc_type: rejected
                .ioc_type
                .map_or(String::new(), |t| t.name().to_string()),
            safe_ioc: rejected.value.clone(),
            query_subtype: String::new(),
            provider: provider.to_string(),
            result: false,
            severity: Severity::Information,
            details: serde_json::json!({ "message": rejected.reason }),
            raw_result: String::new(),
            reference: String::new(),
            status: rejected.status,
        }
    }

    /// A row saying the lookup could not be made (`status`, `message`).
    pub fn failed(
        obs: &Observable,
        provider: &str,
        subtype: &str,
        status: LookupStatus,
        message: &str,
    ) -> LookupResult {
        let mut row = LookupResult::new(obs, provider, subtype);
        row.status = status;
        row.details = serde_json::json!({ "message": message });
        row
    }
}

/// The columns of the lookup table, in order.
pub const LOOKUP_COLUMNS: [&str; 11] = [
    "Ioc",
    "IocType",
    "SafeIoc",
    "QuerySubtype",
    "Provider",
    "Result",
    "Severity",
    "Details",
    "RawResult",
    "Reference",
    "Status",
];

/// The rows as the core's result table (Arrow-backed, written by every
/// host like any other result): `Result` is boolean, `Details` JSON text.
pub fn lookup_frame(rows: &[LookupResult]) -> Frame {
    let text = |f: &dyn Fn(&LookupResult) -> String| {
        FrameColumn::Utf8(rows.iter().map(|r| Some(f(r))).collect())
    };
    let [ioc, ioc_type, safe, subtype, provider, result, severity, details, raw, reference, status] =
        LOOKUP_COLUMNS;
    Frame::new(vec![
        (ioc, text(&|r| r.ioc.clone())),
        (ioc_type, text(&|r| r.ioc_type.clone())),
        (safe, text(&|r| r.safe_ioc.clone())),
        (subtype, text(&|r| r.query_subtype.clone())),
        (provider, text(&|r| r.provider.clone())),
        (
            result,
            FrameColumn::Bool(rows.iter().map(|r| Some(r.result)).collect()),
        ),
        (severity, text(&|r| r.severity.name().to_string())),
        (
            details,
            text(&|r| {
                if r.details.is_null() {
                    String::new()
                } else {
                    r.details.to_string()
                }
            }),
        ),
        (raw, text(&|r| r.raw_result.clone())),
        (reference, text(&|r| r.reference.clone())),
        (status, text(&|r| r.status.name().to_string())),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::ti::check_observable;

    #[test]
    fn frame_has_the_columns_and_types() {
        let obs = check_observable("8.8.8.8", None).unwrap();
        let mut row = LookupResult::new(&obs, "virustotal", "ip");
        row.result = true;
        row.status = LookupStatus::Ok;
        row.severity = Severity::High;
        row.details = serde_json::json!({"malicious": 9});
        let rejected = check_observable("10.0.0.1", None).unwrap_err();
        let frame = lookup_frame(&[row, LookupResult::rejected(&rejected, "virustotal")]);
        assert_eq!(frame.names(), LOOKUP_COLUMNS);
        let batch = frame.to_record_batch().unwrap();
        assert_eq!(batch.num_rows(), 2);
        assert_eq!(
            batch.schema().field(5).data_type(),
            &arrow_schema::DataType::Boolean
        );
        assert_eq!(frame.columns()[6].text(0), "high");
        assert_eq!(frame.columns()[7].text(0), r#"{"malicious":9}"#);
        assert_eq!(frame.columns()[10].text(1), "private_ip");
        assert_eq!(frame.columns()[1].text(1), "ipv4");
    }
}
