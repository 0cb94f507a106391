//! YAML text to a small tree that remembers the line of every node, so a
//! validation error can say where the bad value is (saphyr's node spans).
//!
//! The rest of the module reads only this tree, so the YAML crate is
//! confined to this file.

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};

use crate::error::{Error, ErrorKind, Result};

/// Nesting deeper than this is refused: templates are a few levels deep,
/// and a hostile file must not exhaust the stack.
const MAX_DEPTH: usize = 64;

/// A YAML node and its 1-based line.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub line: u64,
    pub value: Value,
}

/// The node's content. Mapping keys are kept as text, in file order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

impl Node {
    /// The value at `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The node as a scalar's text (numbers and booleans as YAML wrote
    /// them); `None` for null, sequences and mappings.
    pub fn text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(x) => Some(x.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// The node as JSON (parameter defaults, free-form metadata).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(x) => serde_json::Number::from_f64(*x).map_or(J::Null, J::Number),
            Value::Str(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(m) => J::Object(m.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
        }
    }
}

/// Parses the first document of `text`; `file` names it in errors. An
/// empty file is a null node.
pub(crate) fn parse(file: &str, text: &str) -> Result<Node> {
    check_limits(file, text)?;
    let mut text = std::borrow::Cow::Borrowed(text);
    let mut fixes = 0;
    let docs = loop {
        match MarkedYaml::load_from_str(&text) {
            Ok(docs) => break docs,
            Err(e) => {
                let m = e.marker();
                if fixes < MAX_FIXES && e.info().contains("indentation in quoted scalar") {
                    if let Some(fixed) = indent_quoted(&text, m.line(), m.col()) {
                        text = std::borrow::Cow::Owned(fixed);
                        fixes += 1;
                        continue;
                    }
                }
                return Err(file_error(
                    file,
                    Some(m.line() as u64),
                    format!("malformed yaml at column {}: {}", m.col() + 1, e.info()),
                ));
            }
        }
    };
    match docs.first() {
        Some(doc) => convert(file, doc, 0),
        None => Ok(Node {
            line: 1,
            value: Value::Null,
        }),
    }
}

/// Quoted scalars [`indent_quoted`] may fix in one file.
const MAX_FIXES: usize = 200;

/// MSTICPy's own files (read by PyYAML, which allows it) have quoted
/// queries whose continuation lines sit at their key's indentation, which
/// YAML 1.2 refuses. Line folding drops a continuation line's leading
/// spaces, so indenting those lines under the key changes no value: this
/// does so for the quoted scalar that starts at `line` (1-based), `col`
/// (0-based, in characters). `None` when there is no such scalar or
/// nothing to change. Lines are only widened, never added, so line numbers
/// in later messages stay true.
fn indent_quoted(text: &str, line: usize, col: usize) -> Option<String> {
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    let first = lines.get(line.checked_sub(1)?)?;
    let key_indent = first.len() - first.trim_start_matches(' ').len();
    let quote = first.chars().nth(col)?;
    if quote != '\'' && quote != '"' {
        return None;
    }
    // Where the scalar ends: the rest of the first line, then whole lines.
    let rest: String = first.chars().skip(col + 1).collect();
    let mut changed = false;
    let mut i = line - 1;
    let mut segment = rest;
    loop {
        if closes(&segment, quote) {
            break;
        }
        i += 1;
        let Some(l) = lines.get_mut(i) else {
            break;
        };
        let indent = l.len() - l.trim_start_matches(' ').len();
        if !l.trim().is_empty() && indent <= key_indent {
            l.insert_str(0, &" ".repeat(key_indent + 1 - indent));
            changed = true;
        }
        segment = l.clone();
    }
    changed.then(|| lines.join("\n"))
}

/// Does this piece of a quoted scalar hold its closing quote?
fn closes(segment: &str, quote: char) -> bool {
    let mut chars = segment.chars().peekable();
    while let Some(c) = chars.next() {
        if quote == '"' && c == '\\' {
            chars.next();
        } else if c == quote {
            if quote == '\'' && chars.peek() == Some(&'\'') {
                chars.next();
            } else {
                return true;
            }
        }
    }
    false
}

/// Nodes a document may expand to once aliases are copied in (saphyr
/// copies an anchored node at every alias): templates hold a few thousand,
/// a "billion laughs" file would hold billions.
const MAX_NODES: u64 = 200_000;

/// Walks the parser's events (a loop, no recursion) and refuses, before a
/// tree exists, nesting past [`MAX_DEPTH`] (building and dropping a tree
/// thousands of levels deep overflows the stack) and alias expansion past
/// [`MAX_NODES`]. Scan errors are left to the loader, which reports them
/// with their line.
fn check_limits(file: &str, text: &str) -> Result<()> {
    use saphyr_parser::{Event, Parser};
    // Open containers: (anchor id, nodes so far); sizes of anchored nodes.
    let mut open: Vec<(usize, u64)> = Vec::new();
    let mut sizes: std::collections::HashMap<usize, u64> = std::collections::HashMap::new();
    let mut total: u64 = 0;
    for item in Parser::new_from_str(text) {
        let Ok((event, span)) = item else {
            return Ok(());
        };
        let line = Some(span.start.line() as u64);
        let mut add = |n: u64, open: &mut Vec<(usize, u64)>| {
            total = total.saturating_add(n);
            if let Some(top) = open.last_mut() {
                top.1 = top.1.saturating_add(n);
            }
        };
        match event {
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                open.push((anchor, 1));
                if open.len() > MAX_DEPTH {
                    return Err(file_error(
                        file,
                        line,
                        format!("yaml nested deeper than {MAX_DEPTH} levels"),
                    ));
                }
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((anchor, n)) = open.pop() {
                    if anchor > 0 {
                        sizes.insert(anchor, n);
                    }
                    add(n, &mut open);
                }
            }
            Event::Scalar(_, _, anchor, _) => {
                if anchor > 0 {
                    sizes.insert(anchor, 1);
                }
                add(1, &mut open);
            }
            Event::Alias(id) => add(sizes.get(&id).copied().unwrap_or(1), &mut open),
            _ => {}
        }
        if total > MAX_NODES {
            return Err(file_error(
                file,
                line,
                format!("yaml expands to more than {MAX_NODES} values (aliases copy their anchor)"),
            ));
        }
    }
    Ok(())
}

pub(crate) fn file_error(file: &str, line: Option<u64>, message: impl Into<String>) -> Error {
    Error::new(ErrorKind::QueryFile {
        file: file.to_string(),
        source: None,
        line,
        message: message.into(),
    })
}

fn convert(file: &str, node: &MarkedYaml<'_>, depth: usize) -> Result<Node> {
    let line = node.span.start.line() as u64;
    if depth > MAX_DEPTH {
        return Err(file_error(
            file,
            Some(line),
            format!("yaml nested deeper than {MAX_DEPTH} levels"),
        ));
    }
    let value = match &node.data {
        YamlData::Value(s) => scalar(s),
        // Left unresolved only by loaders that ask for it; read as text.
        YamlData::Representation(s, _, _) => Value::Str(s.to_string()),
        YamlData::Sequence(items) => Value::Seq(
            items
                .iter()
                .map(|n| convert(file, n, depth + 1))
                .collect::<Result<_>>()?,
        ),
        YamlData::Mapping(map) => {
            let mut out = Vec::with_capacity(map.len());
            for (k, v) in map {
                let key = match &k.data {
                    YamlData::Value(s) => scalar_text(s),
                    YamlData::Representation(s, _, _) => Some(s.to_string()),
                    _ => None,
                };
                let Some(key) = key else {
                    return Err(file_error(
                        file,
                        Some(k.span.start.line() as u64),
                        "a mapping key must be a plain value",
                    ));
                };
                // An entry's line is its key's: where a reader looks for it
                // (a block value starts on the next line).
                let mut child = convert(file, v, depth + 1)?;
                child.line = k.span.start.line() as u64;
                out.push((key, child));
            }
            Value::Map(out)
        }
        YamlData::Tagged(_, inner) => return convert(file, inner, depth + 1),
        YamlData::Alias(_) => {
            return Err(file_error(
                file,
                Some(line),
                "yaml aliases (*name) are not supported: write the value out",
            ))
        }
        YamlData::BadValue => {
            return Err(file_error(
                file,
                Some(line),
                "a value does not match its tag",
            ))
        }
    };
    Ok(Node { line, value })
}

fn scalar(s: &Scalar<'_>) -> Value {
    match s {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::Int(*i),
        Scalar::FloatingPoint(x) => Value::Float(x.into_inner()),
        Scalar::String(s) => Value::Str(s.to_string()),
    }
}

fn scalar_text(s: &Scalar<'_>) -> Option<String> {
    match s {
        Scalar::Null => None,
        Scalar::Boolean(b) => Some(b.to_string()),
        Scalar::Integer(i) => Some(i.to_string()),
        Scalar::FloatingPoint(x) => Some(x.into_inner().to_string()),
        Scalar::String(s) => Some(s.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_kept_for_every_node() {
        let doc = parse("t.yaml", "a: 1\nb:\n  - x\n  - {c: 2.5}\n").unwrap();
        assert_eq!(doc.get("a").unwrap().value, Value::Int(1));
        let b = doc.get("b").unwrap();
        let Value::Seq(items) = &b.value else {
            panic!("not a sequence")
        };
        assert_eq!(b.line, 2);
        assert_eq!(items[0].line, 3);
        assert_eq!(items[1].line, 4);
        assert_eq!(items[1].get("c").unwrap().value, Value::Float(2.5));
    }

    #[test]
    fn malformed_yaml_names_file_and_line() {
        let err = parse("bad.yaml", "a: 1\nb: [1, 2\nc: 3\n").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("bad.yaml line "), "{msg}");
        assert!(msg.contains("malformed yaml"), "{msg}");
        let err = parse("bad.yaml", "a: 1\n  b: 2\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("bad.yaml line 2: malformed yaml"),
            "{err}"
        );
    }

    #[test]
    fn hostile_input_is_an_error_not_a_crash() {
        let deep = "[".repeat(500) + &"]".repeat(500);
        assert!(parse("deep.yaml", &deep).is_err());
        for junk in [
            "\u{0}",
            ":",
            "- - -\n  ]",
            "{a: [}",
            "'unterminated",
            "\t- x",
        ] {
            let _ = parse("junk.yaml", junk);
        }
        assert_eq!(parse("e.yaml", "").unwrap().value, Value::Null);
        let very_deep = "[".repeat(200_000);
        assert!(parse("deep.yaml", &very_deep).is_err());
        let very_deep = "a:\n".to_string()
            + &(1..5000)
                .map(|i| " ".repeat(i) + "a:\n")
                .collect::<String>();
        assert!(parse("deep.yaml", &very_deep).is_err());
    }

    #[test]
    fn msticpy_quoted_queries_at_key_indentation_load() {
        // As MSTICPy's Splunk files write them (PyYAML accepts this).
        let text = "sources:\n  a:\n    args:\n      query: '\n      | tstats count\n        where x=\"it''s\"\n      | sort'\n      other: 1\n";
        let doc = parse("s.yaml", text).unwrap();
        let q = doc
            .get("sources")
            .unwrap()
            .get("a")
            .unwrap()
            .get("args")
            .unwrap();
        assert_eq!(
            q.get("query").unwrap().text().unwrap(),
            " | tstats count where x=\"it's\" | sort"
        );
        assert_eq!(q.get("other").unwrap().line, 8);
        // A quoted scalar that never closes is still an error.
        assert!(parse("s.yaml", "a:\n  q: '\n  x\n").is_err());
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n".to_string();
        for i in 1..10 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let e = parse("lol.yaml", &text).unwrap_err();
        assert!(e.to_string().contains("expands to more than"), "{e}");
        // Ordinary anchors still work.
        let doc = parse("ok.yaml", "d: &d {type: str}\np: *d\n").unwrap();
        assert_eq!(
            doc.get("p").unwrap().get("type").unwrap().text().unwrap(),
            "str"
        );
    }

    /// Random YAML-ish text through the whole loader: errors, never a panic.
    #[test]
    fn random_input_never_panics() {
        let tokens = [
            "metadata:",
            "sources:",
            "\n",
            "  ",
            "- ",
            "[",
            "]",
            "{",
            "}",
            ":",
            ",",
            "'",
            "\"",
            "&a ",
            "*a",
            "!!str ",
            "|",
            ">",
            "#",
            "x",
            "1",
            "query: ",
            "{p}",
            "{{",
            "$<m>$",
            "type: ",
            "list",
            "\t",
            "é",
            "\u{0}",
            "---",
            "? ",
            "%YAML 1.2\n",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..(seed % 40) {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                text.push_str(tokens[(seed >> 33) as usize % tokens.len()]);
            }
            let _ = parse("r.yaml", &text);
            let _ = crate::queries::template::load_file("r.yaml", &text);
            let _ = crate::queries::LocalData::from_yaml("r.yaml", &text);
        }
    }
}
