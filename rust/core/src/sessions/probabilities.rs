//! Hand-set probabilities: a model built from given tables instead of
//! fitted, as MSTICPy's tests set `prior_probs`, `trans_probs`,
//! `param_cond_cmd_probs` and `value_cond_param_probs` directly. Lets a
//! model trained elsewhere be scored here, and pins the scoring formulas
//! to MSTICPy's published values independently of the fitting.

use std::collections::{BTreeMap, BTreeSet};

use super::FastMap;

use super::model::SessionType;
use super::tables::{Row, Tables, ValueTable, END, START, UNK};
use super::{END_TOKEN, START_TOKEN, UNK_TOKEN};
use crate::error::{Error, ErrorKind, Result};

/// Probabilities keyed by name, with MSTICPy's `StateMatrix` lookup rule: a
/// name missing from a map (or from a row) takes the `##UNK##` entry, which
/// every map and every row must therefore have.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Probabilities {
    /// P(command).
    pub prior: BTreeMap<String, f64>,
    /// P(next command | command), by command then next command.
    pub transition: BTreeMap<String, BTreeMap<String, f64>>,
    /// P(param present | command), by command then param. Empty for a
    /// commands-only model (params are then ignored).
    pub param_cond_cmd: BTreeMap<String, BTreeMap<String, f64>>,
    /// P(value | param), by param then value. Only used for
    /// `modellable_params`.
    pub value_cond_param: BTreeMap<String, BTreeMap<String, f64>>,
    /// The params whose values count in the likelihood.
    pub modellable_params: BTreeSet<String>,
}

/// A bad probability table, named after the field.
fn invalid(message: String) -> Error {
    Error::new(ErrorKind::InvalidOption {
        name: "probabilities".into(),
        message,
    })
}

fn check_value(field: &str, keys: &str, p: f64) -> Result<()> {
    if (0.0..=1.0).contains(&p) {
        Ok(())
    } else {
        Err(invalid(format!(
            "{field}{keys} is {p}: a probability must be within [0, 1]"
        )))
    }
}

fn check_flat(field: &str, map: &BTreeMap<String, f64>, prefix: &str) -> Result<()> {
    if !map.contains_key(UNK_TOKEN) {
        return Err(invalid(format!(
            "{field}{prefix} has no {UNK_TOKEN:?} entry (the fallback for unseen names)"
        )));
    }
    for (k, p) in map {
        check_value(field, &format!("{prefix}[{k:?}]"), *p)?;
    }
    Ok(())
}

fn check_nested(field: &str, map: &BTreeMap<String, BTreeMap<String, f64>>) -> Result<()> {
    if !map.contains_key(UNK_TOKEN) {
        return Err(invalid(format!(
            "{field} has no {UNK_TOKEN:?} row (the fallback for unseen names)"
        )));
    }
    for (k, row) in map {
        check_flat(field, row, &format!("[{k:?}]"))?;
    }
    Ok(())
}

impl Probabilities {
    /// Checks what scoring relies on: values within [0, 1] (NaN refused)
    /// and an UNK entry in every map and row that can be looked up.
    pub fn validate(&self) -> Result<()> {
        check_flat("prior", &self.prior, "")?;
        check_nested("transition", &self.transition)?;
        if !self.param_cond_cmd.is_empty() {
            check_nested("param_cond_cmd", &self.param_cond_cmd)?;
        }
        if !self.value_cond_param.is_empty() {
            check_nested("value_cond_param", &self.value_cond_param)?;
        }
        if !self.modellable_params.is_empty() && self.value_cond_param.is_empty() {
            return Err(invalid(
                "modellable_params needs value_cond_param probabilities".into(),
            ));
        }
        Ok(())
    }

    /// What the tables model: commands only without param probabilities,
    /// values only when some param's values are modelled.
    pub(super) fn session_type(&self) -> SessionType {
        if self.param_cond_cmd.is_empty() {
            SessionType::CmdsOnly
        } else if self.modellable_params.is_empty() {
            SessionType::CmdsParamsOnly
        } else {
            SessionType::CmdsParamsValues
        }
    }

    /// Validates, then resolves every name to an id and every lookup to
    /// its entry or the UNK fallback.
    pub(super) fn to_tables(&self) -> Result<Tables> {
        self.validate()?;
        let mut cmd_ids: FastMap<String, u32> = FastMap::default();
        let names = [START_TOKEN, END_TOKEN, UNK_TOKEN]
            .into_iter()
            .chain(self.prior.keys().map(String::as_str))
            .chain(self.transition.keys().map(String::as_str))
            .chain(
                self.transition
                    .values()
                    .flat_map(|r| r.keys().map(String::as_str)),
            )
            .chain(self.param_cond_cmd.keys().map(String::as_str));
        for name in names {
            let next = cmd_ids.len() as u32;
            cmd_ids.entry(name.to_string()).or_insert(next);
        }
        debug_assert_eq!(
            [cmd_ids[START_TOKEN], cmd_ids[END_TOKEN], cmd_ids[UNK_TOKEN]],
            [START, END, UNK]
        );
        let mut by_id = vec![""; cmd_ids.len()];
        for (name, &id) in &cmd_ids {
            by_id[id as usize] = name;
        }
        let lookup = |map: &BTreeMap<String, f64>, name: &str| {
            map.get(name).or_else(|| map.get(UNK_TOKEN)).copied()
        };

        let prior = by_id
            .iter()
            .map(|name| lookup(&self.prior, name).unwrap_or(0.0))
            .collect();
        let rows = by_id
            .iter()
            .map(|name| {
                let row = self
                    .transition
                    .get(*name)
                    .or_else(|| self.transition.get(UNK_TOKEN));
                match row {
                    Some(row) => Row {
                        default: row.get(UNK_TOKEN).copied().unwrap_or(0.0),
                        entries: row.iter().map(|(b, p)| (cmd_ids[b], *p)).collect(),
                    },
                    None => Row::default(),
                }
            })
            .collect();

        let mut param_ids: FastMap<String, u32> = FastMap::default();
        let params = std::iter::once(UNK_TOKEN)
            .chain(
                self.param_cond_cmd
                    .values()
                    .flat_map(|r| r.keys().map(String::as_str)),
            )
            .chain(self.modellable_params.iter().map(String::as_str));
        for name in params {
            let next = param_ids.len() as u32;
            param_ids.entry(name.to_string()).or_insert(next);
        }
        let param_cond = by_id
            .iter()
            .map(|name| {
                let row = self
                    .param_cond_cmd
                    .get(*name)
                    .or_else(|| self.param_cond_cmd.get(UNK_TOKEN));
                let mut row: Vec<(u32, f64)> = row
                    .into_iter()
                    .flatten()
                    .map(|(p, prob)| (param_ids[p], *prob))
                    .collect();
                row.sort_by_key(|(p, _)| *p);
                row
            })
            .collect();

        let mut values = vec![None; param_ids.len()];
        for name in &self.modellable_params {
            let row = self
                .value_cond_param
                .get(name)
                .or_else(|| self.value_cond_param.get(UNK_TOKEN));
            if let Some(row) = row {
                values[param_ids[name] as usize] = Some(value_table(row));
            }
        }
        Ok(Tables::new(
            cmd_ids, prior, rows, param_ids, param_cond, values,
        ))
    }
}

/// A value row as a table: UNK's probability at id 0, the others after it.
fn value_table(row: &BTreeMap<String, f64>) -> ValueTable {
    let mut ids = FastMap::default();
    let mut probs = vec![row.get(UNK_TOKEN).copied().unwrap_or(0.0)];
    for (v, p) in row {
        if v != UNK_TOKEN {
            ids.insert(v.clone(), probs.len() as u32);
            probs.push(*p);
        }
    }
    ValueTable { ids, probs }
}
