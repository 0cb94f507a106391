//! Test helpers shared by the drift tests that hold hand-written `.d.ts`
//! shapes to the core's serde output.

use std::collections::BTreeSet;

use serde::Serialize;

/// Field names of `export interface name { … }` in the TypeScript `ts`.
pub(crate) fn ts_fields(ts: &str, name: &str) -> BTreeSet<String> {
    let start = ts
        .find(&format!("export interface {name} {{"))
        .unwrap_or_else(|| panic!("interface {name} missing"));
    let body = &ts[start..];
    let body = &body[body.find('{').unwrap() + 1..body.find("\n}").unwrap()];
    body.lines()
        .map(str::trim)
        .filter(|l| !l.starts_with("/**") && l.contains(':'))
        .map(|l| l.split([':', '?']).next().unwrap().trim().to_string())
        .collect()
}

/// The keys `value` serializes to (it must be an object).
pub(crate) fn keys<T: Serialize>(value: &T) -> BTreeSet<String> {
    match serde_json::to_value(value).unwrap() {
        serde_json::Value::Object(m) => m.keys().cloned().collect(),
        other => panic!("not an object: {other}"),
    }
}
