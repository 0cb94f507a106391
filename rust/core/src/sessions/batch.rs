//! Score many, fast: a model with its sessions encoded once into ids, for
//! hosts that re-score the same sessions again and again (a likelihood
//! slider re-runs the rarest windows with another length).
//!
//! Encoding resolves every name through the model's hash maps once. A
//! command is stored as its id plus a "signature": the distinct (command,
//! known params, modelled values) combinations are interned, so a scoring
//! run computes each parameter factor once per signature, not once per
//! command, and then only multiplies table entries.

use super::FastMap;

use super::model::{push_end, rarest, Model, Session};

/// One distinct command-with-params, as the param factor sees it.
#[derive(Debug, Clone)]
struct Signature {
    cmd: u32,
    has_params: bool,
    params: Box<[(u32, u32)]>,
}

/// A model and the sessions it scores, encoded against it.
#[derive(Debug, Clone)]
pub struct ScoredSessions {
    model: Model,
    /// Command ids of all sessions, back to back.
    cmds: Vec<u32>,
    /// The signature of each command in `cmds`.
    sigs: Vec<u32>,
    /// Session `s` is `cmds[starts[s]..starts[s + 1]]`.
    starts: Vec<usize>,
    signatures: Vec<Signature>,
}

impl ScoredSessions {
    /// Fits a model on the sessions and encodes them.
    pub fn fit(sessions: &[Session]) -> crate::error::Result<ScoredSessions> {
        Ok(ScoredSessions::new(Model::fit(sessions)?, sessions))
    }

    /// Encodes the sessions against a given model.
    pub fn new(model: Model, sessions: &[Session]) -> ScoredSessions {
        let t = model.tables();
        let total = sessions.iter().map(Vec::len).sum();
        let mut cmds = Vec::with_capacity(total);
        let mut sigs = Vec::with_capacity(total);
        let mut starts = Vec::with_capacity(sessions.len() + 1);
        let mut signatures = Vec::new();
        // Keyed by the signature packed into u64s, looked up by slice so a
        // signature seen before costs no allocation.
        let mut index: FastMap<Vec<u64>, u32> = FastMap::default();
        let mut params = Vec::new();
        let mut key: Vec<u64> = Vec::new();
        starts.push(0);
        for session in sessions {
            for c in session {
                let cmd = t.cmd_id(&c.name);
                let has_params = !c.params.is_empty();
                t.encode_params(&c.params, &mut params);
                key.clear();
                key.push(u64::from(cmd) << 1 | u64::from(has_params));
                key.extend(
                    params
                        .iter()
                        .map(|&(p, v)| u64::from(p) << 32 | u64::from(v)),
                );
                let id = match index.get(key.as_slice()) {
                    Some(&id) => id,
                    None => {
                        let id = signatures.len() as u32;
                        signatures.push(Signature {
                            cmd,
                            has_params,
                            params: params.as_slice().into(),
                        });
                        index.insert(key.clone(), id);
                        id
                    }
                };
                cmds.push(cmd);
                sigs.push(id);
            }
            starts.push(cmds.len());
        }
        ScoredSessions {
            model,
            cmds,
            sigs,
            starts,
            signatures,
        }
    }

    /// The model the sessions are scored with.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Number of sessions.
    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// Whether there are no sessions.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The rarest-window likelihood of every session, equal to
    /// [`Model::score`]'s `rarest_window_likelihood` (NaN when a session
    /// is shorter than a window).
    pub fn rarest_window_likelihoods(
        &self,
        window_len: usize,
        use_geo_mean: bool,
        use_start_end: bool,
    ) -> Vec<f64> {
        let t = self.model.tables();
        let factors: Vec<f64> = self
            .signatures
            .iter()
            .map(|s| t.param_factor(s.cmd, s.has_params, &s.params, true))
            .collect();
        let mut ids = Vec::new();
        let mut pfs = Vec::new();
        self.starts
            .windows(2)
            .map(|range| {
                let (a, b) = (range[0], range[1]);
                ids.clear();
                ids.extend_from_slice(&self.cmds[a..b]);
                pfs.clear();
                pfs.extend(self.sigs[a..b].iter().map(|&s| factors[s as usize]));
                if use_start_end {
                    push_end(&mut ids, &mut pfs);
                }
                rarest(t, &ids, &pfs, window_len, use_geo_mean, use_start_end)
                    .map_or(f64::NAN, |(_, l)| l)
            })
            .collect()
    }
}
