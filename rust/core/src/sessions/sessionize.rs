//! Cutting event rows into sessions, as MSTICPy's `sessionize_data`.

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};
use crate::table::{format_time_ms, Frame, FrameColumn, Table};

/// MSTICPy fills null identifiers with this string before sorting, so nulls
/// sort where it would; we do the same and give them back as nulls.
const NULL_ID: &str = "dummy_str";

/// How to cut event rows into sessions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SessionizeOptions {
    /// Columns naming the actor (user, host, IP); a change starts a session.
    pub user_identifier_cols: Vec<String>,
    /// The time column.
    pub time_col: String,
    /// The event (command) column.
    pub event_col: String,
    /// Longest session, in milliseconds (a session longer than this is cut).
    pub max_session_time_ms: i64,
    /// Longest gap between two events of a session, in milliseconds.
    pub max_event_separation_ms: i64,
}

impl Default for SessionizeOptions {
    fn default() -> Self {
        SessionizeOptions {
            user_identifier_cols: Vec::new(),
            time_col: String::new(),
            event_col: String::new(),
            max_session_time_ms: 20 * 60_000,
            max_event_separation_ms: 2 * 60_000,
        }
    }
}

/// One session cut from the events.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventSession {
    /// The identifier values (None for a null cell).
    pub ids: Vec<Option<String>>,
    /// First event time (ms since the epoch).
    pub start_ms: i64,
    /// Last event time (ms since the epoch).
    pub end_ms: i64,
    /// The events in time order.
    pub events: Vec<String>,
}

/// Cuts the table's rows into sessions: sorted by identifiers then time
/// (stable, so ties keep input order); a new session starts when an
/// identifier changes, when the gap exceeds the separation or when the
/// session would run longer than the maximum (strict `>` in both cases).
pub fn sessionize(table: &Table, opts: &SessionizeOptions) -> Result<Vec<EventSession>> {
    if opts.max_session_time_ms < 0 || opts.max_event_separation_ms < 0 {
        return Err(Error::new(ErrorKind::InvalidOption {
            name: "max_session_time / max_event_separation".into(),
            message: "durations must not be negative".into(),
        }));
    }
    // `select` reads an empty list as "every text column": no identifiers
    // means one actor.
    let id_cols = if opts.user_identifier_cols.is_empty() {
        Vec::new()
    } else {
        table.select(Some(&opts.user_identifier_cols))?
    };
    let cols = table.select(Some(&[opts.time_col.clone(), opts.event_col.clone()]))?;
    let (time_col, event_col) = (cols[0], cols[1]);
    // Typed: an Arrow timestamp is read as it is, text parsed.
    let times = table.column(time_col);
    let mut parsed = Vec::with_capacity(table.rows());
    for row in 0..table.rows() {
        let t = times.time_ms(row).ok_or_else(|| {
            Error::bad_value(&opts.time_col, row, times.get(row).unwrap_or(""), "a time")
        })?;
        parsed.push(t);
    }
    // Empty cells are nulls, as pandas reads them.
    let key = |row: usize, c: usize| {
        table
            .column(c)
            .get(row)
            .filter(|v| !v.is_empty())
            .unwrap_or(NULL_ID)
    };
    let mut order: Vec<usize> = (0..table.rows()).collect();
    order.sort_by(|&a, &b| {
        id_cols
            .iter()
            .map(|&c| key(a, c).cmp(key(b, c)))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(parsed[a].cmp(&parsed[b]))
    });
    let events = table.column(event_col);
    let mut out: Vec<EventSession> = Vec::new();
    let mut prev: Option<usize> = None;
    let mut cml: i64 = 0;
    for &row in &order {
        let new = match prev {
            None => true,
            Some(p) => {
                let dif = parsed[row] - parsed[p];
                let changed = id_cols.iter().any(|&c| key(row, c) != key(p, c));
                if changed
                    || dif > opts.max_event_separation_ms
                    || cml + dif > opts.max_session_time_ms
                {
                    true
                } else {
                    cml += dif;
                    false
                }
            }
        };
        if new {
            cml = 0;
            out.push(EventSession {
                ids: id_cols
                    .iter()
                    .map(|&c| {
                        Some(key(row, c))
                            .filter(|v| *v != NULL_ID)
                            .map(str::to_string)
                    })
                    .collect(),
                start_ms: parsed[row],
                end_ms: parsed[row],
                events: Vec::new(),
            });
        }
        let s = out.last_mut().expect("a session was pushed");
        s.end_ms = s.end_ms.max(parsed[row]);
        s.events
            .push(events.get(row).unwrap_or_default().to_string());
        prev = Some(row);
    }
    Ok(out)
}

/// The sessions as MSTICPy's columns: identifiers, `<time>_min`,
/// `<time>_max`, `<event>_list` (a JSON list), `duration` (milliseconds) and
/// `number_events`.
pub fn sessions_frame(sessions: &[EventSession], opts: &SessionizeOptions) -> Frame {
    let mut cols: Vec<(String, FrameColumn)> = opts
        .user_identifier_cols
        .iter()
        .enumerate()
        .map(|(i, name)| {
            (
                name.clone(),
                FrameColumn::Utf8(sessions.iter().map(|s| s.ids[i].clone()).collect()),
            )
        })
        .collect();
    let t = &opts.time_col;
    cols.push((
        format!("{t}_min"),
        FrameColumn::Utf8(
            sessions
                .iter()
                .map(|s| Some(format_time_ms(s.start_ms)))
                .collect(),
        ),
    ));
    cols.push((
        format!("{t}_max"),
        FrameColumn::Utf8(
            sessions
                .iter()
                .map(|s| Some(format_time_ms(s.end_ms)))
                .collect(),
        ),
    ));
    cols.push((
        format!("{}_list", opts.event_col),
        FrameColumn::Utf8(
            sessions
                .iter()
                .map(|s| serde_json::to_string(&s.events).ok())
                .collect(),
        ),
    ));
    cols.push((
        "duration".into(),
        FrameColumn::Int64(
            sessions
                .iter()
                .map(|s| Some(s.end_ms - s.start_ms))
                .collect(),
        ),
    ));
    cols.push((
        "number_events".into(),
        FrameColumn::Int64(
            sessions
                .iter()
                .map(|s| Some(s.events.len() as i64))
                .collect(),
        ),
    ));
    Frame::new(cols.iter().map(|(n, c)| (n.as_str(), c.clone())).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> SessionizeOptions {
        SessionizeOptions {
            user_identifier_cols: vec!["user".into()],
            time_col: "t".into(),
            event_col: "cmd".into(),
            max_session_time_ms: 10 * 60_000,
            max_event_separation_ms: 5 * 60_000,
        }
    }

    fn table(csv: &str) -> Table {
        crate::table::read_table(csv.as_bytes(), crate::table::TableFormat::Csv).unwrap()
    }

    #[test]
    fn empty_table_gives_no_sessions() {
        let t = table("user,t,cmd\n");
        assert!(sessionize(&t, &opts()).unwrap().is_empty());
    }

    #[test]
    fn cuts_on_user_gap_and_strict_max() {
        let t = table(
            "user,t,cmd\n\
             a,2024-01-01T00:00:00Z,x\n\
             a,2024-01-01T00:05:00Z,y\n\
             a,2024-01-01T00:10:00Z,z\n\
             a,2024-01-01T00:10:01Z,w\n\
             b,2024-01-01T00:00:00Z,x\n\
             b,2024-01-01T00:05:01Z,y\n",
        );
        let s = sessionize(&t, &opts()).unwrap();
        let ev: Vec<Vec<String>> = s.iter().map(|s| s.events.clone()).collect();
        // Gap exactly 5 min and total exactly 10 min stay; 10:01 is over.
        assert_eq!(ev, [vec!["x", "y", "z"], vec!["w"], vec!["x"], vec!["y"]]);
    }

    #[test]
    fn null_ids_and_ties() {
        let t = table(
            "user,t,cmd\n\
             ,2024-01-01T00:00:00Z,n1\n\
             a,2024-01-01T00:00:00Z,first\n\
             a,2024-01-01T00:00:00Z,second\n\
             ,2024-01-01T00:01:00Z,n2\n",
        );
        let s = sessionize(&t, &opts()).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].ids, vec![Some("a".to_string())]);
        assert_eq!(s[0].events, ["first", "second"]);
        assert_eq!(s[1].ids, vec![None]);
        assert_eq!(s[1].events, ["n1", "n2"]);
        let f = sessions_frame(&s, &opts());
        assert_eq!(
            f.names(),
            [
                "user",
                "t_min",
                "t_max",
                "cmd_list",
                "duration",
                "number_events"
            ]
        );
    }

    #[test]
    fn bad_time_names_the_cell() {
        let t = table("user,t,cmd\na,yesterday,x\n");
        let e = sessionize(&t, &opts()).unwrap_err();
        assert_eq!(e.kind_name(), "bad_value");
        let mut o = opts();
        o.event_col = "nope".into();
        assert_eq!(
            sessionize(&t, &o).unwrap_err().kind_name(),
            "missing_column"
        );
    }
}
