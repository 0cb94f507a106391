//! The probabilities a model scores with, keyed by integer ids.
//!
//! Fitting and hand-set probabilities both end here, so scoring has one
//! code path. Every fallback to the unknown token (an unseen command,
//! transition, parameter or value) is resolved when the tables are built:
//! an unseen name maps to the UNK id, whose entries already hold what
//! MSTICPy's `StateMatrix` would fall back to. Scoring then only indexes.

use super::FastMap;

/// Command id of the start token.
pub(super) const START: u32 = 0;
/// Command id of the end token.
pub(super) const END: u32 = 1;
/// Command id of the unknown token: any name not in the vocabulary.
pub(super) const UNK: u32 = 2;
/// Value id of the unknown value in every [`ValueTable`].
pub(super) const VUNK: u32 = 0;

/// Up to this many commands the transitions are one dense matrix
/// (8 MiB at most); beyond it, sorted sparse rows.
const DENSE_MAX: usize = 1024;

/// One row of transition probabilities: `default` for every successor not
/// listed (the row's UNK entry), `entries` for the others.
#[derive(Debug, Clone, Default)]
pub(super) struct Row {
    pub(super) default: f64,
    pub(super) entries: Vec<(u32, f64)>,
}

/// P(next command | command), dense for small vocabularies.
#[derive(Debug, Clone)]
enum Transitions {
    Dense { n: usize, probs: Vec<f64> },
    Sparse { rows: Vec<Row> },
}

/// P(value | param) for one modellable parameter, by value id
/// (`VUNK` for any value not listed).
#[derive(Debug, Clone)]
pub(super) struct ValueTable {
    pub(super) ids: FastMap<String, u32>,
    pub(super) probs: Vec<f64>,
}

/// The resolved tables. Command ids 0, 1, 2 are start, end and unknown;
/// parameter ids index `param_cond` entries and `values`.
#[derive(Debug, Clone)]
pub(super) struct Tables {
    cmd_ids: FastMap<String, u32>,
    prior: Vec<f64>,
    trans: Transitions,
    param_ids: FastMap<String, u32>,
    /// Per command id: P(param present | command), sorted by param id.
    param_cond: Vec<Vec<(u32, f64)>>,
    /// Per param id: the value table when the param's values are modelled.
    values: Vec<Option<ValueTable>>,
}

impl Tables {
    /// Assembles the tables. `prior`, `rows` and `param_cond` are indexed
    /// by command id (one entry per id of `cmd_ids`); `values` by param id.
    pub(super) fn new(
        cmd_ids: FastMap<String, u32>,
        prior: Vec<f64>,
        mut rows: Vec<Row>,
        param_ids: FastMap<String, u32>,
        param_cond: Vec<Vec<(u32, f64)>>,
        values: Vec<Option<ValueTable>>,
    ) -> Tables {
        let n = prior.len();
        let trans = if n <= DENSE_MAX {
            let mut probs = Vec::with_capacity(n * n);
            for row in &rows {
                let start = probs.len();
                probs.resize(start + n, row.default);
                for &(b, p) in &row.entries {
                    probs[start + b as usize] = p;
                }
            }
            Transitions::Dense { n, probs }
        } else {
            for row in &mut rows {
                row.entries.sort_by_key(|(b, _)| *b);
            }
            Transitions::Sparse { rows }
        };
        Tables {
            cmd_ids,
            prior,
            trans,
            param_ids,
            param_cond,
            values,
        }
    }

    /// The id of a command name (`UNK` when not in the vocabulary).
    pub(super) fn cmd_id(&self, name: &str) -> u32 {
        self.cmd_ids.get(name).copied().unwrap_or(UNK)
    }

    /// Prior probability of a command id.
    #[inline]
    pub(super) fn prior(&self, id: u32) -> f64 {
        self.prior[id as usize]
    }

    /// P(b follows a).
    #[inline]
    pub(super) fn trans(&self, a: u32, b: u32) -> f64 {
        match &self.trans {
            Transitions::Dense { n, probs } => probs[a as usize * n + b as usize],
            Transitions::Sparse { rows } => {
                let row = &rows[a as usize];
                match row.entries.binary_search_by_key(&b, |(c, _)| *c) {
                    Ok(i) => row.entries[i].1,
                    Err(_) => row.default,
                }
            }
        }
    }

    /// The known parameters of a command as (param id, value id), sorted by
    /// param id; a repeated name keeps its first value. Names not in the
    /// vocabulary are left out: no row mentions them.
    pub(super) fn encode_params(
        &self,
        params: &[(String, Option<String>)],
        out: &mut Vec<(u32, u32)>,
    ) {
        out.clear();
        for (name, value) in params {
            let Some(&pid) = self.param_ids.get(name) else {
                continue;
            };
            if out.iter().any(|(p, _)| *p == pid) {
                continue;
            }
            let vid = match &self.values[pid as usize] {
                Some(table) => value
                    .as_ref()
                    .and_then(|v| table.ids.get(v))
                    .copied()
                    .unwrap_or(VUNK),
                None => VUNK,
            };
            out.push((pid, vid));
        }
        out.sort_unstable_by_key(|(p, _)| *p);
    }

    /// P(params | command), MSTICPy's `compute_prob_setofparams_given_cmd`:
    /// every param of the command's row is an independent Bernoulli
    /// (present: p, absent: 1 - p), times P(value | param) for present
    /// modellable params. `has_params` is whether the command had any
    /// params at all (unknown ones included): without any the factor is 1.
    /// With `use_geo_mean` the product is raised to 1/k, k = row length +
    /// modelled values, so commands with many params stay comparable.
    pub(super) fn param_factor(
        &self,
        cmd: u32,
        has_params: bool,
        params: &[(u32, u32)],
        use_geo_mean: bool,
    ) -> f64 {
        if !has_params {
            return 1.0;
        }
        let row = &self.param_cond[cmd as usize];
        let mut lik = 1.0;
        let mut k = row.len();
        let mut j = 0;
        for &(pid, p) in row {
            while j < params.len() && params[j].0 < pid {
                j += 1;
            }
            if j < params.len() && params[j].0 == pid {
                lik *= p;
                if let Some(table) = &self.values[pid as usize] {
                    k += 1;
                    lik *= table.probs[params[j].1 as usize];
                }
            } else {
                lik *= 1.0 - p;
            }
        }
        if use_geo_mean && k > 0 {
            lik = lik.powf(1.0 / k as f64);
        }
        lik
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables(n: usize) -> Tables {
        let cmd_ids = (0..n).map(|i| (format!("c{i}"), i as u32)).collect();
        let rows = (0..n)
            .map(|i| Row {
                default: 0.5,
                entries: vec![((n - 1 - i) as u32, 0.25)],
            })
            .collect();
        Tables::new(
            cmd_ids,
            vec![0.1; n],
            rows,
            FastMap::default(),
            vec![Vec::new(); n],
            Vec::new(),
        )
    }

    #[test]
    fn dense_and_sparse_transitions_agree() {
        for n in [5, DENSE_MAX + 1] {
            let t = tables(n);
            assert_eq!(matches!(t.trans, Transitions::Dense { .. }), n <= DENSE_MAX);
            assert_eq!(t.trans(0, n as u32 - 1), 0.25);
            assert_eq!(t.trans(0, 1), 0.5);
            assert_eq!(t.trans(n as u32 - 1, 0), 0.25);
        }
    }

    #[test]
    fn no_params_means_factor_one() {
        let t = tables(3);
        assert_eq!(t.param_factor(0, false, &[], true), 1.0);
        // Params given but the command's row is empty: nothing to multiply.
        assert_eq!(t.param_factor(0, true, &[], true), 1.0);
    }
}
