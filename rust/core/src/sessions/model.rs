//! Fit once, score many: counts, Laplace smoothing and probabilities as in
//! MSTICPy's `anomalous_sequence` (`utils/cmds_*.py`, `laplace_smooth.py`,
//! `probabilities.py`), kept sparse so a large vocabulary stays cheap.
//!
//! Smoothing adds 1 to every ordered command pair (a ≠ end, b ≠ start). That
//! is never materialised: a pair's smoothed count is its raw count plus one,
//! and a row's total is its raw total plus the number of possible successors.

use std::collections::{HashMap, HashSet};

use crate::error::{Error, ErrorKind, Result};

/// The dummy command that opens every session.
pub const START_TOKEN: &str = "##START##";
/// The dummy command that closes every session.
pub const END_TOKEN: &str = "##END##";
/// The stand-in for any command, parameter or value not seen in training.
pub const UNK_TOKEN: &str = "##UNK##";

const START: u32 = 0;
const END: u32 = 1;
const UNK: u32 = 2;
/// Param id of `UNK_TOKEN` in the param vocabulary.
const PUNK: u32 = 0;

/// One command of a session, with its parameters (name, optional value).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Cmd {
    /// The command name (`Set-User`).
    pub name: String,
    /// Parameters in the order given; a value of `None` means "name only".
    pub params: Vec<(String, Option<String>)>,
}

impl Cmd {
    /// A command with no parameters.
    pub fn new(name: &str) -> Cmd {
        Cmd {
            name: name.to_string(),
            params: Vec::new(),
        }
    }

    /// A command with parameter names only.
    pub fn with_params(name: &str, params: &[&str]) -> Cmd {
        Cmd {
            name: name.to_string(),
            params: params.iter().map(|p| (p.to_string(), None)).collect(),
        }
    }

    /// A command with parameter names and values.
    pub fn with_values(name: &str, params: &[(&str, &str)]) -> Cmd {
        Cmd {
            name: name.to_string(),
            params: params
                .iter()
                .map(|(p, v)| (p.to_string(), Some(v.to_string())))
                .collect(),
        }
    }
}

/// A session: the commands in order.
pub type Session = Vec<Cmd>;

/// What the training sessions carry, as MSTICPy's `SessionType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionType {
    /// Command names only.
    CmdsOnly,
    /// Commands with parameter names.
    CmdsParamsOnly,
    /// Commands with parameter names and values.
    CmdsParamsValues,
}

/// The scores of one session.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SessionScore {
    /// Likelihood of the whole session (NaN for an empty session).
    pub likelihood: f64,
    /// `likelihood^(1/len)` (NaN for an empty session).
    pub geomean_likelihood: f64,
    /// The rarest window (cut to the session: the end token is not shown).
    pub rarest_window: Vec<Cmd>,
    /// Its likelihood (NaN when the session is too short for a window).
    pub rarest_window_likelihood: f64,
}

/// A fitted model.
#[derive(Debug, Clone)]
pub struct Model {
    session_type: SessionType,
    cmd_ids: HashMap<String, u32>,
    param_ids: HashMap<String, u32>,
    /// Smoothed single counts, by command id.
    seq1: Vec<f64>,
    seq1_total: f64,
    /// Raw pair counts.
    pairs: HashMap<(u32, u32), f64>,
    /// Smoothed row totals, by command id.
    row_total: Vec<f64>,
    /// P(param present | cmd) for every param the command has a smoothed count for, UNK included.
    param_cond: Vec<Vec<(u32, f64)>>,
    /// P(value | param) for modellable params: per value, plus the UNK value.
    values: HashMap<u32, (HashMap<String, f64>, f64)>,
}

impl Model {
    /// Fits the model, choosing the modellable params with MSTICPy's rule
    /// (distinct values ≤ 20 ≤ occurrences and distinct / occurrences ≤ 10 %).
    pub fn fit(sessions: &[Session]) -> Result<Model> {
        Model::fit_with(sessions, None)
    }

    /// Fits the model; `modellable` overrides the params whose values are modelled.
    pub fn fit_with(sessions: &[Session], modellable: Option<&HashSet<String>>) -> Result<Model> {
        if sessions.is_empty() {
            return Err(Error::new(ErrorKind::InvalidOption {
                name: "sessions".into(),
                message: "no sessions to fit the model on".into(),
            }));
        }
        let mut session_type = SessionType::CmdsOnly;
        let mut cmd_ids: HashMap<String, u32> = HashMap::new();
        for t in [START_TOKEN, END_TOKEN, UNK_TOKEN] {
            let n = cmd_ids.len() as u32;
            cmd_ids.entry(t.to_string()).or_insert(n);
        }
        let mut param_ids: HashMap<String, u32> = HashMap::new();
        param_ids.insert(UNK_TOKEN.to_string(), PUNK);
        let mut seq1: Vec<f64> = vec![0.0; 3];
        let mut pairs: HashMap<(u32, u32), f64> = HashMap::new();
        let mut raw_row: Vec<f64> = vec![0.0; 3];
        let mut param_counts: Vec<f64> = vec![0.0];
        let mut seen_param = vec![false];
        let mut cmd_param: Vec<HashMap<u32, f64>> = vec![HashMap::new(); 3];
        let mut param_values: HashMap<u32, HashMap<String, f64>> = HashMap::new();
        let mut dedup: Vec<u32> = Vec::new();
        for session in sessions {
            let mut prev = START;
            seq1[START as usize] += 1.0;
            for cmd in session {
                let next = cmd_ids.len() as u32;
                let id = *cmd_ids.entry(cmd.name.clone()).or_insert(next);
                if id as usize == seq1.len() {
                    seq1.push(0.0);
                    raw_row.push(0.0);
                    cmd_param.push(HashMap::new());
                }
                seq1[id as usize] += 1.0;
                *pairs.entry((prev, id)).or_default() += 1.0;
                raw_row[prev as usize] += 1.0;
                prev = id;
                dedup.clear();
                for (p, v) in &cmd.params {
                    // Params are a set (or dict keys) in MSTICPy: first wins.
                    let next = param_ids.len() as u32;
                    let pid = *param_ids.entry(p.clone()).or_insert(next);
                    if pid as usize == param_counts.len() {
                        param_counts.push(0.0);
                        seen_param.push(false);
                    }
                    if dedup.contains(&pid) {
                        continue;
                    }
                    dedup.push(pid);
                    session_type = session_type.max_with(SessionType::CmdsParamsOnly);
                    seen_param[pid as usize] = true;
                    param_counts[pid as usize] += 1.0;
                    *cmd_param[id as usize].entry(pid).or_default() += 1.0;
                    if let Some(v) = v {
                        session_type = SessionType::CmdsParamsValues;
                        if !v.is_empty() {
                            *param_values
                                .entry(pid)
                                .or_default()
                                .entry(v.clone())
                                .or_default() += 1.0;
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
        let row_total: Vec<f64> = raw_row.iter().map(|r| r + n - 1.0).collect();

        // Params: +1 for each (cmd, seen param) and (cmd, UNK), over every command.
        let mut param_cond = Vec::with_capacity(cmd_param.len());
        for (id, params) in cmd_param.iter().enumerate() {
            let mut row: Vec<(u32, f64)> = params
                .iter()
                .map(|(p, c)| (*p, (c + 1.0) / seq1[id]))
                .collect();
            if !params.contains_key(&PUNK) {
                row.push((PUNK, 1.0 / seq1[id]));
            }
            row.sort_by_key(|(p, _)| *p);
            param_cond.push(row);
        }

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
        let mut values = HashMap::new();
        for pid in chosen {
            let mut probs: HashMap<String, f64> = HashMap::new();
            let mut unk = 1.0;
            if let Some(vals) = param_values.get(&pid) {
                for (v, c) in vals {
                    if v == UNK_TOKEN {
                        unk += c;
                    } else {
                        probs.insert(v.clone(), c + 1.0);
                    }
                }
            }
            let total: f64 = probs.values().sum::<f64>() + unk;
            for p in probs.values_mut() {
                *p /= total;
            }
            values.insert(pid, (probs, unk / total));
        }
        Ok(Model {
            session_type,
            cmd_ids,
            param_ids,
            seq1,
            seq1_total,
            pairs,
            row_total,
            param_cond,
            values,
        })
    }

    /// What the training sessions carried.
    pub fn session_type(&self) -> SessionType {
        self.session_type
    }

    fn cmd_id(&self, name: &str) -> u32 {
        self.cmd_ids.get(name).copied().unwrap_or(UNK)
    }

    /// Prior probability of a command.
    pub fn prior(&self, cmd: &str) -> f64 {
        self.prior_id(self.cmd_id(cmd))
    }

    fn prior_id(&self, id: u32) -> f64 {
        self.seq1[id as usize] / self.seq1_total
    }

    /// Transition probability from `prev` to `cur`.
    pub fn transition(&self, prev: &str, cur: &str) -> f64 {
        self.trans_id(self.cmd_id(prev), self.cmd_id(cur))
    }

    fn trans_id(&self, a: u32, b: u32) -> f64 {
        // The end token has no row and the start token no column: MSTICPy's
        // lookups fall back to UNK there.
        let a = if a == END { UNK } else { a };
        let b = if b == START { UNK } else { b };
        let c = self.pairs.get(&(a, b)).copied().unwrap_or(0.0) + 1.0;
        c / self.row_total[a as usize]
    }

    /// P(the command's params | command), geometric mean over the factors.
    pub fn params_prob(&self, cmd: &Cmd) -> f64 {
        self.params_prob_id(self.cmd_id(&cmd.name), &cmd.params)
    }

    fn params_prob_id(&self, id: u32, params: &[(String, Option<String>)]) -> f64 {
        if params.is_empty() {
            return 1.0;
        }
        let row = &self.param_cond[id as usize];
        // Hash each given name once; the row is then matched on integer ids.
        let given_ids: Vec<(Option<u32>, &Option<String>)> = params
            .iter()
            .map(|(name, v)| (self.param_ids.get(name).copied(), v))
            .collect();
        let mut lik = 1.0;
        let mut k = row.len();
        for &(pid, p) in row {
            let given = given_ids.iter().find(|(g, _)| *g == Some(pid));
            match given {
                Some((_, v)) => {
                    lik *= p;
                    if let Some((probs, unk)) = self.values.get(&pid) {
                        k += 1;
                        lik *= v
                            .as_ref()
                            .and_then(|v| probs.get(v))
                            .copied()
                            .unwrap_or(*unk);
                    }
                }
                None => lik *= 1.0 - p,
            }
        }
        if k > 0 {
            lik = lik.powf(1.0 / k as f64);
        }
        lik
    }

    /// Command ids and parameter factors of a session, computed once and
    /// shared by the whole-session and the window likelihoods.
    fn prepare(&self, session: &[Cmd]) -> (Vec<u32>, Vec<f64>) {
        session
            .iter()
            .map(|c| {
                let id = self.cmd_id(&c.name);
                (id, self.params_prob_id(id, &c.params))
            })
            .unzip()
    }

    /// Likelihood of a window, MSTICPy's `compute_likelihood_window`;
    /// `pfs[i]` is the parameter factor of `ids[i]`.
    fn window_lik(&self, ids: &[u32], pfs: &[f64], use_start: bool, use_end: bool) -> f64 {
        if ids.is_empty() {
            return f64::NAN;
        }
        let mut prob = 1.0;
        if use_start {
            prob *= self.trans_id(START, ids[0]) * pfs[0];
        } else {
            prob *= self.prior_id(ids[0]) * pfs[0];
        }
        for i in 1..ids.len() {
            prob *= self.trans_id(ids[i - 1], ids[i]);
            prob *= pfs[i];
        }
        if use_end {
            prob *= self.trans_id(ids[ids.len() - 1], END);
        }
        prob
    }

    /// Sliding windows over prepared ids (the end token already appended
    /// when `use_start_end`).
    fn windows(
        &self,
        ids: &[u32],
        pfs: &[f64],
        window_len: usize,
        use_geo_mean: bool,
        use_start_end: bool,
    ) -> Vec<f64> {
        if window_len == 0 || window_len > ids.len() {
            return Vec::new();
        }
        (0..=ids.len() - window_len)
            .map(|i| {
                let w = i..i + window_len;
                let lik = self.window_lik(&ids[w.clone()], &pfs[w], use_start_end && i == 0, false);
                if use_geo_mean {
                    lik.powf(1.0 / window_len as f64)
                } else {
                    lik
                }
            })
            .collect()
    }

    /// Likelihood of every sliding window of `window_len` over the session
    /// (plus the end token when `use_start_end`).
    pub fn window_likelihoods(
        &self,
        session: &[Cmd],
        window_len: usize,
        use_geo_mean: bool,
        use_start_end: bool,
    ) -> Vec<f64> {
        let (mut ids, mut pfs) = self.prepare(session);
        if use_start_end {
            // The end token has no parameters: its factor is 1.
            ids.push(END);
            pfs.push(1.0);
        }
        self.windows(&ids, &pfs, window_len, use_geo_mean, use_start_end)
    }

    /// Likelihood of the whole session.
    pub fn likelihood(&self, session: &[Cmd], use_start_end: bool) -> f64 {
        let (ids, pfs) = self.prepare(session);
        self.window_lik(&ids, &pfs, use_start_end, use_start_end)
    }

    /// Scores one session.
    pub fn score(
        &self,
        session: &[Cmd],
        window_len: usize,
        use_geo_mean: bool,
        use_start_end: bool,
    ) -> SessionScore {
        let (mut ids, mut pfs) = self.prepare(session);
        let likelihood = self.window_lik(&ids, &pfs, use_start_end, use_start_end);
        let geomean_likelihood = if session.is_empty() {
            f64::NAN
        } else {
            likelihood.powf(1.0 / session.len() as f64)
        };
        if use_start_end {
            ids.push(END);
            pfs.push(1.0);
        }
        let liks = self.windows(&ids, &pfs, window_len, use_geo_mean, use_start_end);
        // First minimum, as Python's `min` + `index`.
        let mut best: Option<(usize, f64)> = None;
        for (i, &l) in liks.iter().enumerate() {
            if best.is_none_or(|(_, b)| l < b) {
                best = Some((i, l));
            }
        }
        let (rarest_window, rarest_window_likelihood) = match best {
            Some((i, l)) => (session[i..(i + window_len).min(session.len())].to_vec(), l),
            None => (Vec::new(), f64::NAN),
        };
        SessionScore {
            likelihood,
            geomean_likelihood,
            rarest_window,
            rarest_window_likelihood,
        }
    }
}

impl SessionType {
    fn max_with(self, other: SessionType) -> SessionType {
        match (self, other) {
            (SessionType::CmdsParamsValues, _) | (_, SessionType::CmdsParamsValues) => {
                SessionType::CmdsParamsValues
            }
            (SessionType::CmdsParamsOnly, _) | (_, SessionType::CmdsParamsOnly) => {
                SessionType::CmdsParamsOnly
            }
            _ => SessionType::CmdsOnly,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smoothing_adds_one_per_ordered_pair() {
        // Vocabulary: START, END, UNK, a → n = 4; a ≠ END has 3 successors.
        let m = Model::fit(&[vec![Cmd::new("a")]]).unwrap();
        let a = m.cmd_id("a") as usize;
        // raw 1 + 3 as predecessor + 3 as successor.
        assert_eq!(m.seq1[a], 7.0);
        assert_eq!(m.seq1[START as usize], 1.0 + 3.0);
        assert_eq!(m.seq1[END as usize], 1.0 + 3.0);
        // START → a: (1 + 1) / (1 + 3).
        assert_eq!(m.transition(START_TOKEN, "a"), 0.5);
        // Unknown rows and the end row fall back to UNK's: 1 / 3.
        assert_eq!(m.transition("zzz", "a"), 1.0 / 3.0);
        assert_eq!(m.transition(END_TOKEN, "a"), 1.0 / 3.0);
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
}
