//! A session from its JSON text. The list and each command object are read
//! by serde visitors, and only the values inside a command go through
//! `serde_json::Value`, their strings moved out rather than copied. Reading
//! the whole cell as a `Value` first built a map per command and copied
//! every name twice, which was most of reading 100k sessions with
//! parameters.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::model::{Cmd, Session};
use crate::error::{Error, ErrorKind, Result};

/// Reads one session from JSON: a list of command names, of
/// `{"name": .., "params": [..]}` or of `{"name": .., "params": {k: v}}`
/// (other keys ignored; a parameter value that is not a string is kept as
/// its JSON text, a null as empty). `column` and `row` only name the cell in
/// the error.
pub fn parse_session(cell: &str, column: &str, row: usize) -> Result<Session> {
    let bad = || {
        Error::new(ErrorKind::BadValue {
            column: column.to_string(),
            row,
            value: cell.chars().take(80).collect(),
            expected: "a JSON list of commands",
        })
    };
    let mut de = serde_json::Deserializer::from_str(cell);
    let session = de.deserialize_seq(SessionVisitor).map_err(|_| bad())?;
    de.end().map_err(|_| bad())?;
    Ok(session)
}

struct SessionVisitor;

impl<'de> Visitor<'de> for SessionVisitor {
    type Value = Session;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of commands")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Session, A::Error> {
        let mut cmds = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(cmd) = seq.next_element_seed(CmdSeed)? {
            cmds.push(cmd);
        }
        Ok(cmds)
    }
}

/// One command: its name as a string, or an object with `name` and
/// `params`.
struct CmdSeed;

impl<'de> DeserializeSeed<'de> for CmdSeed {
    type Value = Cmd;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Cmd, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CmdSeed {
    type Value = Cmd;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a command name or {\"name\": .., \"params\": ..}")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> std::result::Result<Cmd, E> {
        Ok(Cmd::new(name))
    }

    fn visit_string<E: de::Error>(self, name: String) -> std::result::Result<Cmd, E> {
        Ok(Cmd {
            name,
            params: Vec::new(),
        })
    }

    /// As a JSON object read into a map: a repeated key counts once, with
    /// its last value, so a bad value is only refused if no later one
    /// replaces it; and every value, other keys' included, passes the
    /// parser's checks (depth, number range, surrogates). Values are read
    /// as `Value` for that, and their strings moved, not copied.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Cmd, A::Error> {
        let (mut name, mut params) = (None, None);
        while let Some(key) = map.next_key::<Key>()? {
            let value = map.next_value::<Value>()?;
            match key {
                Key::Name => name = Some(value),
                Key::Params => params = Some(value),
                Key::Other => {}
            }
        }
        let Some(Value::String(name)) = name else {
            return Err(de::Error::custom("a command needs a string \"name\""));
        };
        let params = params_of(params.unwrap_or(Value::Null)).ok_or_else(|| {
            de::Error::custom("\"params\" must be null, a list of names or an object")
        })?;
        Ok(Cmd { name, params })
    }
}

/// `params`: null (none), a list of names, or an object of names to values
/// (in order). A dict always carries values: a null value counts as present
/// and empty, as in MSTICPy; a value that is not a string is kept as its
/// JSON text.
fn params_of(value: Value) -> Option<Vec<(String, Option<String>)>> {
    match value {
        Value::Null => Some(Vec::new()),
        Value::Array(names) => names
            .into_iter()
            .map(|p| match p {
                Value::String(p) => Some((p, None)),
                _ => None,
            })
            .collect(),
        Value::Object(object) => Some(
            object
                .into_iter()
                .map(|(k, v)| {
                    let text = match v {
                        Value::String(s) => s,
                        Value::Null => String::new(),
                        other => other.to_string(),
                    };
                    (k, Some(text))
                })
                .collect(),
        ),
        _ => None,
    }
}

/// A command object's key, matched without allocating.
enum Key {
    Name,
    Params,
    Other,
}

impl<'de> de::Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Key, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, key: &str) -> std::result::Result<Key, E> {
                Ok(match key {
                    "name" => Key::Name,
                    "params" => Key::Params,
                    _ => Key::Other,
                })
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the reader did before: the cell through `serde_json::Value`.
    fn through_value(cell: &str) -> Option<Session> {
        let Ok(Value::Array(items)) = serde_json::from_str::<Value>(cell) else {
            return None;
        };
        let text = |v: &Value| match v {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        };
        items
            .iter()
            .map(|item| match item {
                Value::String(name) => Some(Cmd::new(name)),
                Value::Object(obj) => {
                    let name = obj.get("name")?.as_str()?;
                    let params = match obj.get("params") {
                        None | Some(Value::Null) => Vec::new(),
                        Some(Value::Array(ps)) => ps
                            .iter()
                            .map(|p| p.as_str().map(|p| (p.to_string(), None)))
                            .collect::<Option<_>>()?,
                        Some(Value::Object(ps)) => {
                            ps.iter().map(|(k, v)| (k.clone(), Some(text(v)))).collect()
                        }
                        Some(_) => return None,
                    };
                    Some(Cmd {
                        name: name.to_string(),
                        params,
                    })
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn three_shapes_and_bad_cells() {
        assert_eq!(
            parse_session(r#"["a","b"]"#, "s", 0).unwrap(),
            vec![Cmd::new("a"), Cmd::new("b")]
        );
        assert_eq!(
            parse_session(r#"[{"name":"a","params":["x"]}]"#, "s", 0).unwrap(),
            vec![Cmd::with_params("a", &["x"])]
        );
        assert_eq!(
            parse_session(r#"[{"name":"a","params":{"x":"1"}}]"#, "s", 0).unwrap(),
            vec![Cmd::with_values("a", &[("x", "1")])]
        );
        let e = parse_session("not json", "s", 4).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::BadValue { row: 4, .. }));
        assert!(parse_session(r#"[1]"#, "s", 0).is_err());
    }

    /// The same sessions, and the same refusals, as reading through
    /// `serde_json::Value`, on the shapes and corner cases hunters' exports
    /// hold.
    #[test]
    fn equals_reading_through_value() {
        let cells = [
            r#"[]"#,
            r#" [ "a" , "b" ] "#,
            r#"["Set-User",{"name":"Set-Mailbox","params":["Identity","Force"]}]"#,
            r#"[{"name":"a","params":{"x":"1","y":null,"z":2,"w":true,"v":[1,"q"],"u":{"k":1.5}}}]"#,
            r#"[{"name":"a","params":{"x":"1","y":"2","x":"3"}}]"#,
            r#"[{"name":"a","name":"b"}]"#,
            r#"[{"params":["x"],"name":"a","extra":{"deep":[1,2]}}]"#,
            r#"[{"name":"a","params":null}]"#,
            r#"[{"name":"a","params":[]}]"#,
            r#"[{"name":"\u00e9\n\"q\""}]"#,
            r#"[{"name":"a","params":"x"}]"#,
            r#"[{"name":"a","params":[1]}]"#,
            r#"[{"name":1}]"#,
            r#"[{"params":["x"]}]"#,
            r#"[null]"#,
            r#"[["a"]]"#,
            r#"["a",]"#,
            r#"["a"] x"#,
            r#"[{"name":1,"name":"a"}]"#,
            r#"[{"name":null,"name":"a"}]"#,
            r#"[{"name":"a","name":null}]"#,
            r#"[{"name":"a","params":"x","params":["y"]}]"#,
            r#"[{"name":"a","params":[1],"params":["y"]}]"#,
            r#"[{"name":"a","params":["y"],"params":[1]}]"#,
            r#"[{"name":"a","x":1e400}]"#,
            r#"[{"name":"a","x":"\ud800"}]"#,
            r#"[{"name":"a","x":"\udc00x"}]"#,
            r#"{"name":"a"}"#,
            r#""a""#,
            r#"["a""#,
            "",
        ];
        let deep = format!(
            r#"[{{"name":"a","x":{}1{}}}]"#,
            "[".repeat(130),
            "]".repeat(130)
        );
        for cell in cells.iter().copied().chain([deep.as_str()]) {
            assert_eq!(
                parse_session(cell, "s", 0).ok(),
                through_value(cell),
                "{cell}"
            );
        }
    }
}
