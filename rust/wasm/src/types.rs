//! TypeScript shapes of the options and results that cross the boundary.
//!
//! They are emitted into the generated `.d.ts`; the test below serializes
//! real core values and fails when a field is added, renamed or dropped on
//! either side, so the two cannot drift apart silently.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** What to extract; every field is optional. */
export interface IocOptions {
  /** Type names to report (default: every built-in type). */
  types?: string[];
  /** Report windows_path and linux_path (default: yes for text, no for tables). */
  include_paths?: boolean;
  /** Public suffixes whose domains are not reported. */
  ignore_tlds?: string[];
  /** Extra patterns, reported under their name. */
  extra_patterns?: ExtraPattern[];
  /** Tables only: the columns to scan (default: every text column). */
  columns?: string[];
}
/** A user-defined pattern (the `regex` crate's syntax). */
export interface ExtraPattern {
  name: string;
  pattern: string;
}
/** One distinct IoC of a text. */
export interface IocSummary {
  IoCType: string;
  /** The first occurrence as written (possibly defanged). */
  Observable: string;
  Refanged: string;
  Count: number;
  /** Byte offset of the first occurrence in the UTF-8 input. */
  FirstOffset: number;
}
/** What a text scan found. */
export interface IocTextResult {
  items: IocSummary[];
  /** Distinct IoCs per type. */
  counts: Record<string, number>;
  bytes: number;
  lines: number;
}
/** Limits and thresholds for decoding; every field is optional. */
export interface DecodeOptions {
  max_depth?: number;
  max_total_bytes?: number;
  max_archive_members?: number;
  min_base64_len?: number;
  min_hex_len?: number;
  decode_hex?: boolean;
}
/** One decoded payload. */
export interface DecodedItem {
  reference: string;
  depth: number;
  parent: string | null;
  original_string: string;
  file_name: string | null;
  file_type: string | null;
  input_bytes: number;
  decoded_string: string;
  encoding_type: string;
  md5: string;
  sha1: string;
  sha256: string;
  printable_bytes: string;
  start: number;
  end: number;
}
/** Everything decoded from one text. */
export interface DecodeResult {
  rows: DecodedItem[];
  /** The input with each decoded run replaced by a `<decoded …>` annotation. */
  annotated: string;
  warnings: string[];
  /** True when a limit stopped decoding. */
  truncated: boolean;
}
"#;

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use huntkit_core::{
        decode_text, DecodeOptions, Extractor, IocOptions, IocScanner,
    };
    use serde::Serialize;

    use super::TS_TYPES;

    /// Field names of `interface name { … }` in the section.
    fn ts_fields(name: &str) -> BTreeSet<String> {
        let start = TS_TYPES
            .find(&format!("export interface {name} {{"))
            .unwrap_or_else(|| panic!("interface {name} missing"));
        let body = &TS_TYPES[start..];
        let body = &body[body.find('{').unwrap() + 1..body.find("\n}").unwrap()];
        body.lines()
            .map(str::trim)
            .filter(|l| !l.starts_with("/**") && l.contains(':'))
            .map(|l| l.split([':', '?']).next().unwrap().trim().to_string())
            .collect()
    }

    fn keys<T: Serialize>(value: &T) -> BTreeSet<String> {
        match serde_json::to_value(value).unwrap() {
            serde_json::Value::Object(m) => m.keys().cloned().collect(),
            other => panic!("not an object: {other}"),
        }
    }

    #[test]
    fn ioc_types_match_the_core() {
        assert_eq!(ts_fields("IocOptions"), keys(&IocOptions::default()));
        let mut scanner = IocScanner::new(Extractor::new(&IocOptions::default(), false).unwrap());
        scanner.push("evil.com");
        let result = scanner.finish();
        assert_eq!(ts_fields("IocTextResult"), keys(&result));
        assert_eq!(ts_fields("IocSummary"), keys(&result.items[0]));
    }

    #[test]
    fn decode_types_match_the_core() {
        assert_eq!(ts_fields("DecodeOptions"), keys(&DecodeOptions::default()));
        // base64 of "Write-Output 'hello from a base64 payload'"
        let text = "run V3JpdGUtT3V0cHV0ICdoZWxsbyBmcm9tIGEgYmFzZTY0IHBheWxvYWQn now";
        let result = decode_text(text, &DecodeOptions::default());
        assert_eq!(ts_fields("DecodeResult"), keys(&result));
        assert_eq!(ts_fields("DecodedItem"), keys(&result.rows[0]));
    }
}
