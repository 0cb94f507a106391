//! Sessions from table cells and the scored table, as MSTICPy's
//! `score_sessions`.

use serde_json::Value;

use super::json::parse_session;
use super::model::{Cmd, Model, Session};
use crate::error::{Error, ErrorKind, Result};
use crate::table::{Frame, FrameColumn, Table};

/// Fits a model on the table's `session_column` and returns the table with
/// MSTICPy's `rarest_window{n}_likelihood` and `rarest_window{n}` columns,
/// plus `likelihood` and `geomean_likelihood` (start and end tokens used, no
/// geometric mean on windows, as `score_sessions`).
pub fn score_sessions(table: &Table, session_column: &str, window_len: usize) -> Result<Frame> {
    let col = table.select(Some(&[session_column.to_string()]))?[0];
    let sessions: Vec<Session> = table
        .column(col)
        .iter()
        .enumerate()
        .map(|(row, cell)| parse_session(cell.unwrap_or("[]"), session_column, row))
        .collect::<Result<_>>()?;
    let scores = score_session_list(&sessions, window_len)?;
    let mut cols: Vec<(String, FrameColumn)> = table
        .names()
        .iter()
        .enumerate()
        .map(|(i, n)| (n.clone(), FrameColumn::Utf8(table.column(i).to_vec())))
        .collect();
    cols.extend(
        scores
            .names()
            .iter()
            .cloned()
            .zip(scores.columns().iter().cloned()),
    );
    Ok(Frame::new(
        cols.iter().map(|(n, c)| (n.as_str(), c.clone())).collect(),
    ))
}

/// Fits a model on `sessions` and scores each one, as [`score_sessions`]
/// does, returning only the four score columns (one row per session):
/// for hosts that hold sessions already parsed (a notebook's Arrow lists).
pub fn score_session_list(sessions: &[Session], window_len: usize) -> Result<Frame> {
    if window_len == 0 {
        return Err(Error::new(ErrorKind::InvalidOption {
            name: "window_length".into(),
            message: "must be at least 1".into(),
        }));
    }
    let model = Model::fit(sessions)?;
    let scores: Vec<_> = sessions
        .iter()
        .map(|s| model.score(s, window_len, false, true))
        .collect();
    let num = |v: f64| Some(v).filter(|v| !v.is_nan());
    let mut cols: Vec<(String, FrameColumn)> = Vec::new();
    cols.push((
        format!("rarest_window{window_len}_likelihood"),
        FrameColumn::Float64(
            scores
                .iter()
                .map(|s| num(s.rarest_window_likelihood))
                .collect(),
        ),
    ));
    cols.push((
        format!("rarest_window{window_len}"),
        FrameColumn::Utf8(
            scores
                .iter()
                .map(|s| Some(window_json(&s.rarest_window)))
                .collect(),
        ),
    ));
    cols.push((
        "likelihood".into(),
        FrameColumn::Float64(scores.iter().map(|s| num(s.likelihood)).collect()),
    ));
    cols.push((
        "geomean_likelihood".into(),
        FrameColumn::Float64(scores.iter().map(|s| num(s.geomean_likelihood)).collect()),
    ));
    Ok(Frame::new(
        cols.iter().map(|(n, c)| (n.as_str(), c.clone())).collect(),
    ))
}

/// A window back as JSON in the shape it came in.
fn window_json(window: &[Cmd]) -> String {
    let items: Vec<Value> = window
        .iter()
        .map(|c| {
            if c.params.is_empty() {
                Value::String(c.name.clone())
            } else if c.params.iter().any(|(_, v)| v.is_some()) {
                let ps = c
                    .params
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone().map_or(Value::Null, Value::String)))
                    .collect();
                serde_json::json!({"name": c.name, "params": Value::Object(ps)})
            } else {
                let ps: Vec<&str> = c.params.iter().map(|(k, _)| k.as_str()).collect();
                serde_json::json!({"name": c.name, "params": ps})
            }
        })
        .collect();
    Value::Array(items).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_a_table() {
        let t = Table::from_lines(
            "[\"Set-User\",\"Set-User\"]\n[\"Set-Mailbox\",\"Set-User\",\"Set-User\"]",
        );
        let f = score_sessions(&t, "text", 3).unwrap();
        assert_eq!(
            f.names(),
            [
                "text",
                "rarest_window3_likelihood",
                "rarest_window3",
                "likelihood",
                "geomean_likelihood"
            ]
        );
        assert_eq!(
            f.columns()[1],
            FrameColumn::Float64(vec![Some(0.046875), Some(0.04115853658536585)])
        );
        assert_eq!(f.columns()[2].text(0), r#"["Set-User","Set-User"]"#);
    }
}
