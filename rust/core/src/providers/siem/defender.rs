//! Microsoft Defender (M365D) advanced hunting:
//! `POST https://api.security.microsoft.com/api/advancedhunting/run` with
//! `{"Query": …}` and a bearer token for
//! `https://api.security.microsoft.com/.default`.
//!
//! Answer: `{"Stats": {…}, "Schema": [{"Name", "Type"}], "Results":
//! [{column: value}]}` (types as .NET names them: `DateTime`, `String`,
//! `Int64`, `Boolean`, `Double`, `Object`); Microsoft Graph's
//! `runHuntingQuery` writes the same in camel case (`schema`, `results`,
//! `name`, `type`), read too. Errors: `{"error": {"code", "message"}}`.
//! The API takes no time range: the template's own `start`/`end` filter.

use serde_json::{json, Value as Json};

use super::{
    http_failure, json_body, post_json, refine_limits, Answer, ChunkStatus, QueryRequest,
    ResultSet, SiemColumn, SiemProvider, SiemType,
};
use crate::error::Result;
use crate::providers::{
    Auth, BaseUrl, HttpRequest, HttpResponse, Method, OperationDef, ProviderDef, ProviderKind,
    RateLimit,
};

/// The registry entry: the API allows 45 calls a minute.
pub static DEFENDER: ProviderDef = ProviderDef {
    name: "m365d",
    config_name: "MicrosoftDefender",
    kind: ProviderKind::Siem,
    base_url: BaseUrl::Fixed("https://api.security.microsoft.com"),
    auth: Auth::Bearer {
        scope: "https://api.security.microsoft.com/.default",
    },
    operations: &[OperationDef {
        name: "query",
        method: Method::Post,
        path_pattern: r"^/api/advancedhunting/run$",
    }],
    rate_limit: Some(RateLimit {
        requests: 45,
        per_seconds: 60,
    }),
};

pub(super) const PROVIDER: SiemProvider = SiemProvider {
    def: &DEFENDER,
    environment: "MDE",
    plan,
    parse,
    jobs: None,
};

fn plan(q: &QueryRequest) -> Result<HttpRequest> {
    Ok(post_json(
        &DEFENDER,
        "query",
        "/api/advancedhunting/run".into(),
        &json!({ "Query": q.query }),
    ))
}

fn field<'a>(v: &'a Json, upper: &str, lower: &str) -> Option<&'a Json> {
    v.get(upper).or_else(|| v.get(lower))
}

fn parse(resp: &HttpResponse) -> Answer {
    let name = DEFENDER.name;
    if let Some(a) = http_failure(name, resp) {
        return a;
    }
    let body = match json_body(name, resp) {
        Ok(b) => b,
        Err(a) => return a,
    };
    let bad = |why: &str| {
        Answer::failed(
            ChunkStatus::BadResponse,
            format!("bad response from {name}: {why}"),
        )
    };
    let Some(schema) = field(&body, "Schema", "schema").and_then(Json::as_array) else {
        return bad("no Schema");
    };
    let Some(results) = field(&body, "Results", "results").and_then(Json::as_array) else {
        return bad("no Results");
    };
    let mut rows = ResultSet::default();
    for c in schema {
        let Some(col) = field(c, "Name", "name").and_then(Json::as_str) else {
            return bad("a Schema entry has no Name");
        };
        let kind = field(c, "Type", "type")
            .and_then(Json::as_str)
            .map_or(SiemType::String, SiemType::from_name);
        rows.columns.push(SiemColumn {
            name: col.to_string(),
            kind,
        });
    }
    for r in results {
        let Some(obj) = r.as_object() else {
            return bad("a Results entry is not an object");
        };
        let mut row: Vec<Json> = rows
            .columns
            .iter()
            .map(|c| obj.get(&c.name).cloned().unwrap_or(Json::Null))
            .collect();
        // Fields the schema did not list are kept as text columns.
        for (k, v) in obj {
            if !rows.columns.iter().any(|c| &c.name == k) {
                rows.columns.push(SiemColumn {
                    name: k.clone(),
                    kind: SiemType::String,
                });
                for earlier in &mut rows.rows {
                    earlier.push(Json::Null);
                }
                row.push(v.clone());
            }
        }
        rows.rows.push(row);
    }
    let mut answer = Answer {
        status: ChunkStatus::Ok,
        rows,
        messages: Vec::new(),
    };
    if let Some(err) = body.get("error").filter(|e| !e.is_null()) {
        answer.status = ChunkStatus::Partial;
        answer.messages = super::error_messages(err);
        refine_limits(&mut answer);
    }
    answer
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::siem::{answer, QueryTarget};

    #[test]
    fn results_follow_the_schema() {
        let r = plan(&QueryRequest {
            query: "DeviceProcessEvents | take 1",
            span: None,
            target: &QueryTarget::default(),
        })
        .unwrap();
        assert_eq!(
            r.body.as_deref(),
            Some(r#"{"Query":"DeviceProcessEvents | take 1"}"#)
        );
        let a = parse(&answer(
            200,
            r#"{"Schema":[{"Name":"Timestamp","Type":"DateTime"},{"Name":"N","Type":"Int64"}],
               "Results":[{"N":3,"Timestamp":"2024-05-01T10:00:00Z","Extra":"x"},{"Timestamp":null}]}"#,
        ));
        assert_eq!(a.status, ChunkStatus::Ok);
        assert_eq!(a.rows.columns.len(), 3);
        assert_eq!(
            a.rows.rows[0],
            vec![json!("2024-05-01T10:00:00Z"), json!(3), json!("x")]
        );
        assert_eq!(a.rows.rows[1], vec![Json::Null, Json::Null, Json::Null]);
        let a = parse(&answer(200, r#"{"Results":[]}"#));
        assert_eq!(a.status, ChunkStatus::BadResponse);
    }
}
