//! The model's public face: fit or set probabilities once, then score any
//! number of sessions. Scoring follows MSTICPy's `compute_likelihood_window`,
//! `compute_likelihood_windows_in_session` and `rarest_window_session`, on
//! the id-keyed [`Tables`].

use std::collections::HashSet;

use super::fit;
use super::probabilities::Probabilities;
use super::tables::{Tables, END};
use crate::error::Result;

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

/// A model: probabilities for commands, transitions, params and values,
/// fitted from sessions or set by hand.
#[derive(Debug, Clone)]
pub struct Model {
    session_type: SessionType,
    tables: Tables,
}

impl Model {
    /// Fits the model, choosing the modellable params with MSTICPy's rule
    /// (distinct values ≤ 20 ≤ occurrences and distinct / occurrences ≤ 10 %).
    pub fn fit(sessions: &[Session]) -> Result<Model> {
        Model::fit_with(sessions, None)
    }

    /// Fits the model; `modellable` overrides the params whose values are modelled.
    pub fn fit_with(sessions: &[Session], modellable: Option<&HashSet<String>>) -> Result<Model> {
        let (session_type, tables) = fit::fit(sessions, modellable)?;
        Ok(Model {
            session_type,
            tables,
        })
    }

    /// A model with the given probabilities instead of fitted ones
    /// (MSTICPy's tests set them by hand); refused when a probability is
    /// outside [0, 1] or a map lacks its `##UNK##` fallback.
    pub fn from_probabilities(probs: &Probabilities) -> Result<Model> {
        Ok(Model {
            session_type: probs.session_type(),
            tables: probs.to_tables()?,
        })
    }

    /// What the training sessions carried (for hand-set probabilities:
    /// which tables were given).
    pub fn session_type(&self) -> SessionType {
        self.session_type
    }

    pub(super) fn tables(&self) -> &Tables {
        &self.tables
    }

    /// Prior probability of a command.
    pub fn prior(&self, cmd: &str) -> f64 {
        self.tables.prior(self.tables.cmd_id(cmd))
    }

    /// Transition probability from `prev` to `cur`.
    pub fn transition(&self, prev: &str, cur: &str) -> f64 {
        self.tables
            .trans(self.tables.cmd_id(prev), self.tables.cmd_id(cur))
    }

    /// P(the command's params | command), geometric mean over the factors:
    /// the factor each command contributes to a window's likelihood.
    pub fn params_prob(&self, cmd: &Cmd) -> f64 {
        self.param_factor(cmd, true)
    }

    /// P(the command's params and modelled values | command), MSTICPy's
    /// `compute_prob_setofparams_given_cmd`; `use_geo_mean` takes the k-th
    /// root (k = params in the command's row + modelled values) so
    /// commands with many params compare with those with few.
    pub fn param_factor(&self, cmd: &Cmd, use_geo_mean: bool) -> f64 {
        let mut params = Vec::new();
        self.tables.encode_params(&cmd.params, &mut params);
        self.tables.param_factor(
            self.tables.cmd_id(&cmd.name),
            !cmd.params.is_empty(),
            &params,
            use_geo_mean,
        )
    }

    /// Command ids and parameter factors of a session, computed once and
    /// shared by the whole-session and the window likelihoods.
    fn prepare(&self, session: &[Cmd]) -> (Vec<u32>, Vec<f64>) {
        let mut params = Vec::new();
        session
            .iter()
            .map(|c| {
                let id = self.tables.cmd_id(&c.name);
                self.tables.encode_params(&c.params, &mut params);
                let pf = self
                    .tables
                    .param_factor(id, !c.params.is_empty(), &params, true);
                (id, pf)
            })
            .unzip()
    }

    /// Likelihood of one window, MSTICPy's `compute_likelihood_window`:
    /// prior (or the transition from the start token) of the first
    /// command, then each transition, each command's [`Model::params_prob`],
    /// and the transition to the end token when `use_end`. NaN when empty.
    pub fn window_likelihood(&self, window: &[Cmd], use_start: bool, use_end: bool) -> f64 {
        let (ids, pfs) = self.prepare(window);
        window_lik(&self.tables, &ids, &pfs, use_start, use_end)
    }

    /// Likelihood of every sliding window of `window_len` over the session
    /// (plus the end token when `use_start_end`), MSTICPy's
    /// `compute_likelihood_windows_in_session`.
    pub fn window_likelihoods(
        &self,
        session: &[Cmd],
        window_len: usize,
        use_geo_mean: bool,
        use_start_end: bool,
    ) -> Vec<f64> {
        let (mut ids, mut pfs) = self.prepare(session);
        if use_start_end {
            push_end(&mut ids, &mut pfs);
        }
        let mut out = Vec::new();
        windows(
            &self.tables,
            &ids,
            &pfs,
            window_len,
            use_geo_mean,
            use_start_end,
            |_, l| out.push(l),
        );
        out
    }

    /// Likelihood of the whole session.
    pub fn likelihood(&self, session: &[Cmd], use_start_end: bool) -> f64 {
        let (ids, pfs) = self.prepare(session);
        window_lik(&self.tables, &ids, &pfs, use_start_end, use_start_end)
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
        let likelihood = window_lik(&self.tables, &ids, &pfs, use_start_end, use_start_end);
        let geomean_likelihood = if session.is_empty() {
            f64::NAN
        } else {
            likelihood.powf(1.0 / session.len() as f64)
        };
        if use_start_end {
            push_end(&mut ids, &mut pfs);
        }
        let best = rarest(
            &self.tables,
            &ids,
            &pfs,
            window_len,
            use_geo_mean,
            use_start_end,
        );
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

/// Appends the end token to a session's ids and parameter factors (what
/// the windows slide over when `use_start_end`); it has no parameters, so
/// its factor is 1.
pub(super) fn push_end(ids: &mut Vec<u32>, pfs: &mut Vec<f64>) {
    ids.push(END);
    pfs.push(1.0);
}

/// Likelihood of a window of command ids; `pfs[i]` is the parameter factor
/// of `ids[i]`.
pub(super) fn window_lik(
    t: &Tables,
    ids: &[u32],
    pfs: &[f64],
    use_start: bool,
    use_end: bool,
) -> f64 {
    let Some(&first) = ids.first() else {
        return f64::NAN;
    };
    let mut prob = 1.0;
    if use_start {
        prob *= t.trans(super::tables::START, first) * pfs[0];
    } else {
        prob *= t.prior(first) * pfs[0];
    }
    for i in 1..ids.len() {
        prob *= t.trans(ids[i - 1], ids[i]);
        prob *= pfs[i];
    }
    if use_end {
        prob *= t.trans(ids[ids.len() - 1], END);
    }
    prob
}

/// Calls `each(start, likelihood)` for every sliding window over prepared
/// ids (the end token already appended when `use_start_end`).
pub(super) fn windows(
    t: &Tables,
    ids: &[u32],
    pfs: &[f64],
    window_len: usize,
    use_geo_mean: bool,
    use_start_end: bool,
    mut each: impl FnMut(usize, f64),
) {
    if window_len == 0 || window_len > ids.len() {
        return;
    }
    let root = 1.0 / window_len as f64;
    for i in 0..=ids.len() - window_len {
        let w = i..i + window_len;
        let lik = window_lik(t, &ids[w.clone()], &pfs[w], use_start_end && i == 0, false);
        each(i, if use_geo_mean { lik.powf(root) } else { lik });
    }
}

/// The first rarest window (Python's `min` + `index`): its start and
/// likelihood, or `None` when the session is shorter than a window.
pub(super) fn rarest(
    t: &Tables,
    ids: &[u32],
    pfs: &[f64],
    window_len: usize,
    use_geo_mean: bool,
    use_start_end: bool,
) -> Option<(usize, f64)> {
    let mut best: Option<(usize, f64)> = None;
    windows(
        t,
        ids,
        pfs,
        window_len,
        use_geo_mean,
        use_start_end,
        |i, l| {
            if best.is_none_or(|(_, b)| l < b) {
                best = Some((i, l));
            }
        },
    );
    best
}

impl SessionType {
    /// The richer of the two: what sessions of both types together carry.
    pub(super) fn max_with(self, other: SessionType) -> SessionType {
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
