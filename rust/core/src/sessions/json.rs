//! A session from its JSON text, read straight into commands by serde
//! visitors. Going through `serde_json::Value` first built a map per
//! command and copied every name twice, which was most of reading 100k
//! sessions with parameters.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

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

    /// A repeated key counts once, with its last value (as a JSON object
    /// read into a map).
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Cmd, A::Error> {
        let (mut name, mut params) = (None, Vec::new());
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Name => name = Some(map.next_value::<String>()?),
                Key::Params => params = map.next_value_seed(ParamsSeed)?,
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let name = name.ok_or_else(|| de::Error::missing_field("name"))?;
        Ok(Cmd { name, params })
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

/// `params`: null (none), a list of names, or an object of names to
/// values.
struct ParamsSeed;

type Params = Vec<(String, Option<String>)>;

impl<'de> DeserializeSeed<'de> for ParamsSeed {
    type Value = Params;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Params, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ParamsSeed {
    type Value = Params;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("null, a list of parameter names or an object of parameters")
    }

    fn visit_unit<E: de::Error>(self) -> std::result::Result<Params, E> {
        Ok(Vec::new())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Params, A::Error> {
        let mut params = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(p) = seq.next_element::<String>()? {
            params.push((p, None));
        }
        Ok(params)
    }

    /// Read as a JSON object map (in order; a repeated name keeps its first
    /// place and its last value). A dict always carries values: a null value
    /// counts as present and empty, as in MSTICPy.
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> std::result::Result<Params, A::Error> {
        let object: Map<String, Value> =
            de::Deserialize::deserialize(de::value::MapAccessDeserializer::new(map))?;
        Ok(object
            .into_iter()
            .map(|(k, v)| {
                let text = match v {
                    Value::String(s) => s,
                    Value::Null => String::new(),
                    other => other.to_string(),
                };
                (k, Some(text))
            })
            .collect())
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
            r#"{"name":"a"}"#,
            r#""a""#,
            r#"["a""#,
            "",
        ];
        for cell in cells {
            assert_eq!(
                parse_session(cell, "s", 0).ok(),
                through_value(cell),
                "{cell}"
            );
        }
    }
}
