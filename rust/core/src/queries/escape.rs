//! Where each `{param}` sits in a query (code, or inside which kind of
//! string literal), and how a value is written there so that it stays one
//! value: KQL's string-literal rules, SPL's quoting.

use serde::Serialize;

/// The language a template's query is written in, from its data
/// environments: SPL for Splunk, KQL for the Kusto family (Sentinel, Log
/// Analytics, Defender, Data Explorer) and anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum QueryLanguage {
    /// Kusto Query Language.
    Kql,
    /// Splunk's Search Processing Language.
    Spl,
}

/// The context of a placeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Context {
    /// Query code: the value becomes syntax.
    Code,
    /// Inside a string literal opened with this quote; `verbatim` for
    /// KQL's `@'…'`, where backslashes are literal and quotes are doubled.
    Str { quote: char, verbatim: bool },
}

/// A piece of query text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    Text(String),
    Param {
        name: String,
        context: Context,
        /// Byte offset of the `{` in the query.
        offset: usize,
    },
}

/// Splits a query into text and `{name}` placeholders (`{{` and `}}` are
/// literal braces, as in Python's `str.format`), noting each
/// placeholder's context. Errors carry the byte offset of the problem.
pub(crate) fn segments(
    query: &str,
    lang: QueryLanguage,
) -> std::result::Result<Vec<Segment>, (usize, String)> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut ctx = Context::Code;
    let mut comment = false;
    let b = query.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'{' && b.get(i + 1) == Some(&b'{') {
            text.push('{');
            i += 2;
            continue;
        }
        if c == b'}' {
            if b.get(i + 1) == Some(&b'}') {
                text.push('}');
                i += 2;
                continue;
            }
            return Err((i, "single '}' in the query: write '}}' for a brace".into()));
        }
        if c == b'{' {
            let Some(len) = query[i + 1..].find('}') else {
                return Err((i, "'{' is never closed: write '{{' for a brace".into()));
            };
            let name = &query[i + 1..i + 1 + len];
            let ok = !name.is_empty()
                && name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
                && !name.as_bytes()[0].is_ascii_digit();
            if !ok {
                return Err((
                    i,
                    format!("{{{name}}} is not a parameter name: write '{{{{' for a brace"),
                ));
            }
            if !text.is_empty() {
                out.push(Segment::Text(std::mem::take(&mut text)));
            }
            out.push(Segment::Param {
                name: name.to_string(),
                // A value in a comment is code: a line break in it would end
                // the comment.
                context: if comment { Context::Code } else { ctx },
                offset: i,
            });
            i += len + 2;
            continue;
        }
        // Track literals and comments (UTF-8 continuation bytes never match).
        match ctx {
            _ if comment => comment = c != b'\n',
            Context::Code => match c {
                b'/' if lang == QueryLanguage::Kql && b.get(i + 1) == Some(&b'/') => comment = true,
                b'\'' | b'"' => {
                    let verbatim = lang == QueryLanguage::Kql
                        && i > 0
                        && matches!(b[i - 1], b'@')
                        && (i < 2 || !(b[i - 2].is_ascii_alphanumeric() || b[i - 2] == b'_'));
                    ctx = Context::Str {
                        quote: c as char,
                        verbatim,
                    };
                }
                _ => {}
            },
            Context::Str { quote, verbatim } => {
                if c == b'\\' && !verbatim {
                    // An escape: the next character is part of the string.
                    if let Some(&n) = b.get(i + 1) {
                        if n != b'{' && n != b'}' {
                            text.push('\\');
                            let ch = query[i + 1..].chars().next().unwrap_or('\\');
                            text.push(ch);
                            i += 1 + ch.len_utf8();
                            continue;
                        }
                    }
                } else if c as char == quote {
                    if verbatim && b.get(i + 1) == Some(&(quote as u8)) {
                        text.push(quote);
                        text.push(quote);
                        i += 2;
                        continue;
                    }
                    ctx = Context::Code;
                }
            }
        }
        let ch = query[i..].chars().next().unwrap_or(' ');
        text.push(ch);
        i += ch.len_utf8();
    }
    if !text.is_empty() {
        out.push(Segment::Text(text));
    }
    Ok(out)
}

/// Writes `value` for inside a string literal of `ctx`; `Err` names a
/// character the literal cannot hold.
pub(crate) fn escape_in_string(
    value: &str,
    lang: QueryLanguage,
    quote: char,
    verbatim: bool,
) -> std::result::Result<String, String> {
    let mut out = String::with_capacity(value.len() + 2);
    for c in value.chars() {
        if verbatim {
            match c {
                '\n' | '\r' => {
                    return Err("holds a line break, which a verbatim string (@'…') cannot".into())
                }
                c if c == quote => {
                    out.push(c);
                    out.push(c);
                }
                c => out.push(c),
            }
            continue;
        }
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' | '"' => {
                // Both quotes are escaped: harmless inside either literal.
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                return Err(format!(
                    "holds control character U+{:04X}, which a {} string cannot",
                    c as u32,
                    match lang {
                        QueryLanguage::Kql => "KQL",
                        QueryLanguage::Spl => "SPL",
                    }
                ))
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

/// A string value written as a whole literal: `'…'` in KQL, `"…"` in SPL.
pub(crate) fn quoted(value: &str, lang: QueryLanguage) -> std::result::Result<String, String> {
    let q = match lang {
        QueryLanguage::Kql => '\'',
        QueryLanguage::Spl => '"',
    };
    Ok(format!(
        "{q}{}{q}",
        escape_in_string(value, lang, q, false)?
    ))
}

/// Can `value` stand in query code as one token (a table, a column, a
/// host name)? Letters, digits and `_ . - : @`, not starting with `-`;
/// nothing that opens a string, a comment, a pipe or a new statement.
pub(crate) fn is_safe_token(value: &str) -> bool {
    !value.is_empty()
        && !value.starts_with('-')
        && !value.contains("--")
        && value
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | ':' | '@'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(q: &str, lang: QueryLanguage) -> Vec<(String, Context)> {
        segments(q, lang)
            .unwrap()
            .into_iter()
            .filter_map(|s| match s {
                Segment::Param { name, context, .. } => Some((name, context)),
                Segment::Text(_) => None,
            })
            .collect()
    }

    #[test]
    fn contexts_follow_kql_literals() {
        let q = r#"{table} | where A == '{a}' and B == "{b}" and C == @'{c}' and D == 'x\'{d}' // {e}
| extend E = dynamic({{"k": 1}}) | take {n}"#;
        let p = params(q, QueryLanguage::Kql);
        let single = Context::Str {
            quote: '\'',
            verbatim: false,
        };
        assert_eq!(p[0], ("table".into(), Context::Code));
        assert_eq!(p[1], ("a".into(), single));
        assert_eq!(
            p[2].1,
            Context::Str {
                quote: '"',
                verbatim: false
            }
        );
        assert_eq!(
            p[3].1,
            Context::Str {
                quote: '\'',
                verbatim: true
            }
        );
        assert_eq!(p[4], ("d".into(), single));
        assert_eq!(p[5], ("e".into(), Context::Code));
        assert_eq!(p[6], ("n".into(), Context::Code));
        let text: String = segments(q, QueryLanguage::Kql)
            .unwrap()
            .iter()
            .filter_map(|s| match s {
                Segment::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .collect();
        assert!(text.contains(r#"dynamic({"k": 1})"#), "{text}");
    }

    #[test]
    fn brace_errors_have_offsets() {
        assert_eq!(segments("a {b", QueryLanguage::Kql).unwrap_err().0, 2);
        assert_eq!(segments("a } b", QueryLanguage::Kql).unwrap_err().0, 2);
        let e = segments("x {a b}", QueryLanguage::Kql).unwrap_err();
        assert!(e.1.contains("not a parameter name"), "{}", e.1);
    }

    #[test]
    fn escaping_keeps_a_value_one_literal() {
        let hostile = "x' or 1==1 | take 1 //\\";
        let e = escape_in_string(hostile, QueryLanguage::Kql, '\'', false).unwrap();
        assert_eq!(e, r"x\' or 1==1 | take 1 //\\");
        // Reading the rendered literal back gives the value and the literal
        // closes where the template closes it.
        let q = format!("T | where A == '{e}' | take {{n}}");
        assert_eq!(
            params(&q, QueryLanguage::Kql),
            [("n".to_string(), Context::Code)]
        );
        assert_eq!(
            escape_in_string("it's", QueryLanguage::Kql, '\'', true).unwrap(),
            "it''s"
        );
        assert!(escape_in_string("a\nb", QueryLanguage::Kql, '\'', true).is_err());
        assert!(escape_in_string("a\u{1}b", QueryLanguage::Kql, '\'', false).is_err());
        assert_eq!(
            quoted(r#"a"b\c"#, QueryLanguage::Spl).unwrap(),
            r#""a\"b\\c""#
        );
        assert_eq!(quoted("a\tb", QueryLanguage::Kql).unwrap(), r"'a\tb'");
    }

    #[test]
    fn safe_tokens() {
        for ok in [
            "SecurityEvent",
            "WKS-0042.contoso.com",
            "10.0.0.1",
            "fe80::1",
            "a@b.com",
        ] {
            assert!(is_safe_token(ok), "{ok}");
        }
        for bad in [
            "a b", "x|y", "a'", "a\"", "-1", "a--b", "", "a;b", "a//b", "a\nb", "(x)",
        ] {
            assert!(!is_safe_token(bad), "{bad}");
        }
    }
}
