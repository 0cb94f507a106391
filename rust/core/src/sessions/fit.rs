//! Fitting: counts, Laplace smoothing and probabilities as in MSTICPy's
//! `anomalous_sequence` (`utils/cmds_*.py`, `laplace_smooth.py`,
//! `probabilities.py`), counted sparse so a large vocabulary stays cheap.
//!
//! Smoothing adds 1 to every ordered command pair (a ≠ end, b ≠ start). That
//! is never materialised: a pair's smoothed count is its raw count plus one,
//! and a row's total is its raw total plus the number of possible successors.

use std::collections::HashSet;

use super::FastMap;

use super::model::{Session, SessionType};
use super::tables::{Row, Tables, ValueTable, END, START, UNK};
use super::{END_TOKEN, START_TOKEN, UNK_TOKEN};
use crate::error::{Error, ErrorKind, Result};

/// Param id of `UNK_TOKEN` in the param vocabulary.
const PUNK: u32 = 0;

/// Fits the tables; `modellable` overrides the params whose values are
/// modelled (else MSTICPy's rule: distinct values ≤ 20 ≤ occurrences and
/// distinct / occurrences ≤ 10 %).
pub(super) fn fit(
    sessions: &[Session],
    modellable: Option<&HashSet<String>>,
) -> Result<(SessionType, Tables)> {
    if sessions.is_empty() {
        return Err(Error::new(ErrorKind::InvalidOption {
            name: "sessions".into(),
            message: "no sessions to fit the model on".into(),
        }));
    }
    let mut session_type = SessionType::CmdsOnly;
    let mut cmd_ids: FastMap<String, u32> = FastMap::default();
    for t in [START_TOKEN, END_TOKEN, UNK_TOKEN] {
        let n = cmd_ids.len() as u32;
        cmd_ids.entry(t.to_string()).or_insert(n);
    }
    let mut param_ids: FastMap<String, u32> = FastMap::default();
    param_ids.insert(UNK_TOKEN.to_string(), PUNK);
    let mut seq1: Vec<f64> = vec![0.0; 3];
    let mut pairs: FastMap<(u32, u32), f64> = FastMap::default();
    let mut raw_row: Vec<f64> = vec![0.0; 3];
    let mut param_counts: Vec<f64> = vec![0.0];
    let mut cmd_param: Vec<FastMap<u32, f64>> = vec![FastMap::default(); 3];
    let mut param_values: FastMap<u32, FastMap<String, f64>> = FastMap::default();
    let mut dedup: Vec<u32> = Vec::new();
    for session in sessions {
        let mut prev = START;
        seq1[START as usize] += 1.0;
        for cmd in session {
            let id = intern(&mut cmd_ids, &cmd.name);
            if id as usize == seq1.len() {
                seq1.push(0.0);
                raw_row.push(0.0);
                cmd_param.push(FastMap::default());
            }
            seq1[id as usize] += 1.0;
            *pairs.entry((prev, id)).or_default() += 1.0;
            raw_row[prev as usize] += 1.0;
            prev = id;
            dedup.clear();
            for (p, v) in &cmd.params {
                // Params are a set (or dict keys) in MSTICPy: first wins.
                let pid = intern(&mut param_ids, p);
                if pid as usize == param_counts.len() {
                    param_counts.push(0.0);
                }
                if dedup.contains(&pid) {
                    continue;
                }
                dedup.push(pid);
                session_type = session_type.max_with(SessionType::CmdsParamsOnly);
                param_counts[pid as usize] += 1.0;
                *cmd_param[id as usize].entry(pid).or_default() += 1.0;
                if let Some(v) = v {
                    session_type = SessionType::CmdsParamsValues;
                    if !v.is_empty() {
                        let counts = param_values.entry(pid).or_default();
                        match counts.get_mut(v) {
                            Some(c) => *c += 1.0,
                            None => {
                                counts.insert(v.clone(), 1.0);
                            }
                        }
                    }
                }
            }
        }
        *pairs.entry((prev, END)).or_default() += 1.0;
        raw_row[prev as usize] += 1.0;
        seq1[END as usize] += 1.0;
    }
    // The smoothing vocabulary: every command seen (start and end
    // included) plus UNK, which is always there.
    let n = seq1.len() as f64;
    // Every a ≠ end pairs with n - 1 successors, every b ≠ start with n - 1 predecessors.
    for (id, s) in seq1.iter_mut().enumerate() {
        let id = id as u32;
        if id != END {
            *s += n - 1.0;
        }
        if id != START {
            *s += n - 1.0;
        }
    }
    let seq1_total: f64 = seq1.iter().sum();
    let prior: Vec<f64> = seq1.iter().map(|s| s / seq1_total).collect();
    let rows = transition_rows(&pairs, &raw_row, n);

    // Params: +1 for each (cmd, seen param) and (cmd, UNK), over every command.
    let param_cond = cmd_param
        .iter()
        .enumerate()
        .map(|(id, params)| {
            let mut row: Vec<(u32, f64)> = params
                .iter()
                .map(|(p, c)| (*p, (c + 1.0) / seq1[id]))
                .collect();
            if !params.contains_key(&PUNK) {
                row.push((PUNK, 1.0 / seq1[id]));
            }
            row.sort_by_key(|(p, _)| *p);
            row
        })
        .collect();

    let chosen: HashSet<u32> = match modellable {
        Some(set) => set
            .iter()
            .filter_map(|p| param_ids.get(p).copied())
            .collect(),
        None => param_values
            .iter()
            .filter(|(pid, vals)| {
                let distinct = vals.len() as f64;
                let count = param_counts[**pid as usize];
                distinct <= 20.0 && 20.0 <= count && 100.0 * distinct / count <= 10.0
            })
            .map(|(pid, _)| *pid)
            .collect(),
    };
    let mut values = vec![None; param_ids.len()];
    for pid in chosen {
        values[pid as usize] = Some(value_table(param_values.get(&pid)));
    }
    let tables = Tables::new(cmd_ids, prior, rows, param_ids, param_cond, values);
    Ok((session_type, tables))
}

/// The id of `name`, a new one when unseen (the name is only copied then).
fn intern(ids: &mut FastMap<String, u32>, name: &str) -> u32 {
    if let Some(&id) = ids.get(name) {
        return id;
    }
    let id = ids.len() as u32;
    ids.insert(name.to_string(), id);
    id
}

/// Smoothed transition rows by command id. MSTICPy's fitted matrix has no
/// row for the end token and no column for the start token, so lookups
/// there fall back to UNK's: the end row copies UNK's, and a start entry
/// takes the row's UNK value. Raw counts into start or out of end (a
/// command literally named like a token) are therefore ignored.
fn transition_rows(pairs: &FastMap<(u32, u32), f64>, raw_row: &[f64], n: f64) -> Vec<Row> {
    let total: Vec<f64> = raw_row.iter().map(|r| r + n - 1.0).collect();
    let mut rows: Vec<Row> = total
        .iter()
        .map(|t| Row {
            default: 1.0 / t,
            entries: Vec::new(),
        })
        .collect();
    for (&(a, b), c) in pairs {
        if a != END && b != START {
            rows[a as usize]
                .entries
                .push((b, (c + 1.0) / total[a as usize]));
        }
    }
    rows[END as usize] = rows[UNK as usize].clone();
    for row in &mut rows {
        if let Some(&(_, p)) = row.entries.iter().find(|(b, _)| *b == UNK) {
            row.entries.push((START, p));
        }
    }
    rows
}

/// P(value | param) from raw value counts: +1 for each value seen and for
/// UNK (a value literally named UNK adds to UNK's count).
fn value_table(counts: Option<&FastMap<String, f64>>) -> ValueTable {
    let mut ids = FastMap::default();
    let mut probs = vec![1.0];
    for (v, c) in counts.into_iter().flatten() {
        if v == UNK_TOKEN {
            probs[0] += c;
        } else {
            ids.insert(v.clone(), probs.len() as u32);
            probs.push(c + 1.0);
        }
    }
    let total: f64 = probs.iter().sum();
    for p in &mut probs {
        *p /= total;
    }
    ValueTable { ids, probs }
}

#[cfg(test)]
mod tests {
    use super::super::model::{Cmd, Model};
    use super::*;

    #[test]
    fn smoothing_adds_one_per_ordered_pair() {
        // Vocabulary: START, END, UNK, a → n = 4; a ≠ END has 3 successors.
        let m = Model::fit(&[vec![Cmd::new("a")]]).unwrap();
        // Smoothed singles: START 1 + 3, END 1 + 3, a 1 + 3 + 3, UNK 0 + 3 + 3.
        assert_eq!(m.prior("a"), 7.0 / 21.0);
        assert_eq!(m.prior(START_TOKEN), 4.0 / 21.0);
        assert_eq!(m.prior(END_TOKEN), 4.0 / 21.0);
        assert_eq!(m.prior("zzz"), 6.0 / 21.0);
        // START → a: (1 + 1) / (1 + 3).
        assert_eq!(m.transition(START_TOKEN, "a"), 0.5);
        // Unknown rows and the end row fall back to UNK's: 1 / 3.
        assert_eq!(m.transition("zzz", "a"), 1.0 / 3.0);
        assert_eq!(m.transition(END_TOKEN, "a"), 1.0 / 3.0);
        // The start column falls back to UNK's: 1 / 4.
        assert_eq!(m.transition("a", START_TOKEN), 0.25);
    }

    #[test]
    fn params_are_independent_bernoullis() {
        let m = Model::fit(&[vec![Cmd::with_params("a", &["x"])]]).unwrap();
        // P(x|a) = 2/7, P(UNK|a) = 1/7: present x, absent UNK, geometric mean of 2.
        let p = m.params_prob(&Cmd::with_params("a", &["x"]));
        assert!((p - (2.0_f64 / 7.0 * (6.0 / 7.0)).sqrt()).abs() < 1e-15);
        assert_eq!(m.params_prob(&Cmd::new("a")), 1.0);
        assert_eq!(m.session_type(), SessionType::CmdsParamsOnly);
    }

    #[test]
    fn values_get_laplace_smoothed() {
        let counts: FastMap<String, f64> = [("a".to_string(), 3.0), (UNK_TOKEN.to_string(), 1.0)]
            .into_iter()
            .collect();
        let t = value_table(Some(&counts));
        // a: 3 + 1, UNK: 1 + 1 → 4/6 and 2/6.
        assert_eq!(t.probs[t.ids["a"] as usize], 4.0 / 6.0);
        assert_eq!(t.probs[0], 2.0 / 6.0);
        assert_eq!(value_table(None).probs, vec![1.0]);
    }
}
