//! Which columns of a process-event table mean what: the built-in schemas
//! (column names as MSTICPy's `proc_tree_schema` names them) and inference
//! from the columns present.

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};
use crate::table::Table;

/// Column names of a process-creation event table. Only the first four
/// must be in the table; every other column is used when present and
/// ignored (and listed in [`BuildStats::unused_columns`](super::BuildStats))
/// when not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcSchema {
    /// When the process was created (the event time).
    pub time_stamp: String,
    /// The new process's image (full path or file name).
    pub process_name: String,
    /// The new process's id (decimal, `0x` hex or a GUID).
    pub process_id: String,
    /// The parent's process id.
    pub parent_id: String,
    /// The parent's image; when present, a parent must also match by name.
    #[serde(default)]
    pub parent_name: Option<String>,
    /// The command line.
    #[serde(default)]
    pub cmd_line: Option<String>,
    /// The logon session of the creator.
    #[serde(default)]
    pub logon_id: Option<String>,
    /// The logon session the new process runs in, when it differs (4688).
    #[serde(default)]
    pub target_logon_id: Option<String>,
    /// The account name.
    #[serde(default)]
    pub user_name: Option<String>,
    /// The account id (SID, uid).
    #[serde(default)]
    pub user_id: Option<String>,
    /// The host; trees are built per host. Without it the table is one host.
    #[serde(default)]
    pub host_name: Option<String>,
    /// A column naming the event type; only rows equal to `event_id` are
    /// process creations. Both must be set for the filter to apply.
    #[serde(default)]
    pub event_id_column: Option<String>,
    /// The `event_id_column` value of process-creation rows.
    #[serde(default)]
    // A value, not a column name: hosts must not look for it in the table.
    #[schemars(extend("x-column" = false))]
    pub event_id: Option<String>,
    /// The parent's own creation time (MDE): a parent created before it is
    /// an earlier process that reused the PID, so it is not matched.
    #[serde(default)]
    pub parent_time: Option<String>,
    /// The grandparent's process id (MDE), for inferred parents.
    #[serde(default)]
    pub grandparent_id: Option<String>,
    /// The grandparent's image (MDE), for inferred parents.
    #[serde(default)]
    pub grandparent_name: Option<String>,
    /// The grandparent's creation time (MDE), for inferred parents.
    #[serde(default)]
    pub grandparent_time: Option<String>,
    /// The creating process's id, when the data names it apart from the
    /// parent (MDE internal's `InitiatingProcessId`; the two differ when a
    /// process is re-parented). The grandparent columns then name the
    /// creator's parent, so they are used only on rows where the creator
    /// is the parent: never another process's parent.
    #[serde(default)]
    pub initiator_id: Option<String>,
    /// The creating process's creation time (with `initiator_id`): when
    /// both it and the parent's are known they must be equal too.
    #[serde(default)]
    pub initiator_time: Option<String>,
}

/// Names accepted by [`ProcSchema::by_name`], in inference order (a tie in
/// matching columns goes to the earlier one).
pub const SCHEMA_NAMES: [&str; 7] = [
    "4688",
    "linux",
    "sysmon",
    "mde",
    "mde_internal",
    "osquery",
    "fireeye_hx",
];

/// Other names [`ProcSchema::by_name`] takes, and the schema each means
/// (names are compared in any case).
pub const SCHEMA_ALIASES: [(&str, &str); 3] = [
    ("windows", "4688"),
    ("auditd", "linux"),
    ("hx", "fireeye_hx"),
];

/// The JSON Schema of an optional schema name: any of [`SCHEMA_NAMES`]
/// and [`SCHEMA_ALIASES`], in any case, as [`ProcSchema::by_name`] takes.
pub fn schema_name_schema(_: &mut SchemaGenerator) -> Schema {
    let words: Vec<&str> = SCHEMA_NAMES
        .iter()
        .copied()
        .chain(SCHEMA_ALIASES.iter().map(|(alias, _)| *alias))
        .collect();
    crate::view::any_case_schema(
        &words,
        "A built-in schema name (any case, aliases included); inferred from the columns when absent.",
    )
}

/// Fewest schema columns a table must have for a schema to be inferred
/// (MSTICPy's threshold).
const MIN_MATCHING: usize = 4;

fn s(v: &str) -> String {
    v.to_string()
}

fn o(v: &str) -> Option<String> {
    Some(v.to_string())
}

impl ProcSchema {
    /// A schema with only the four required columns set.
    pub fn new(time_stamp: &str, process_name: &str, process_id: &str, parent_id: &str) -> Self {
        ProcSchema {
            time_stamp: s(time_stamp),
            process_name: s(process_name),
            process_id: s(process_id),
            parent_id: s(parent_id),
            parent_name: None,
            cmd_line: None,
            logon_id: None,
            target_logon_id: None,
            user_name: None,
            user_id: None,
            host_name: None,
            event_id_column: None,
            event_id: None,
            parent_time: None,
            grandparent_id: None,
            grandparent_name: None,
            grandparent_time: None,
            initiator_id: None,
            initiator_time: None,
        }
    }

    /// A built-in schema by name (see [`SCHEMA_NAMES`]).
    pub fn by_name(name: &str) -> Result<ProcSchema> {
        let lower = name.to_ascii_lowercase();
        let canonical = SCHEMA_ALIASES
            .iter()
            .find(|(alias, _)| *alias == lower)
            .map_or(lower.as_str(), |(_, name)| name);
        let schema = match canonical {
            // Security event 4688: `ProcessId` is the *creator* (parent).
            "4688" => ProcSchema {
                parent_name: o("ParentProcessName"),
                logon_id: o("SubjectLogonId"),
                target_logon_id: o("TargetLogonId"),
                cmd_line: o("CommandLine"),
                user_name: o("SubjectUserName"),
                user_id: o("SubjectUserSid"),
                host_name: o("Computer"),
                event_id_column: o("EventID"),
                event_id: o("4688"),
                ..ProcSchema::new(
                    "TimeGenerated",
                    "NewProcessName",
                    "NewProcessId",
                    "ProcessId",
                )
            },
            "linux" => ProcSchema {
                logon_id: o("ses"),
                cmd_line: o("cmdline"),
                user_name: o("acct"),
                user_id: o("uid"),
                host_name: o("Computer"),
                event_id_column: o("EventType"),
                event_id: o("SYSCALL_EXECVE"),
                ..ProcSchema::new("TimeGenerated", "exe", "pid", "ppid")
            },
            "sysmon" => ProcSchema {
                parent_name: o("ParentImage"),
                logon_id: o("LogonId"),
                cmd_line: o("CommandLine"),
                user_name: o("User"),
                host_name: o("Computer"),
                event_id_column: o("EventID"),
                event_id: o("1"),
                ..ProcSchema::new("UtcTime", "Image", "ProcessId", "ParentProcessId")
            },
            // DeviceProcessEvents (Defender XDR advanced hunting, Sentinel).
            "mde" => ProcSchema {
                parent_name: o("InitiatingProcessFileName"),
                logon_id: o("InitiatingProcessLogonId"),
                target_logon_id: o("LogonId"),
                cmd_line: o("ProcessCommandLine"),
                user_name: o("AccountName"),
                user_id: o("AccountSid"),
                host_name: o("DeviceName"),
                event_id_column: o("ActionType"),
                event_id: o("ProcessCreated"),
                parent_time: o("InitiatingProcessCreationTime"),
                grandparent_id: o("InitiatingProcessParentId"),
                grandparent_name: o("InitiatingProcessParentFileName"),
                grandparent_time: o("InitiatingProcessParentCreationTime"),
                ..ProcSchema::new("Timestamp", "FileName", "ProcessId", "InitiatingProcessId")
            },
            // MDE's internal `CreatedProcess*` export. The parent is read
            // from the export's own `CreatedProcessParent*` columns, PID,
            // image and time from that one set (issue #12: MSTICPy's
            // `ParentProcessName` is not in the export, and pairing the
            // parent's PID with the initiating process's time split one
            // parent into a node per creator). The `InitiatingProcessParent*`
            // columns name the initiating process's parent: the
            // grandparent where the initiator is the parent.
            "mde_internal" => ProcSchema {
                parent_name: o("CreatedProcessParentName"),
                logon_id: o("InitiatingProcessLogonId"),
                target_logon_id: o("LogonId"),
                cmd_line: o("CreatedProcessCommandLine"),
                user_name: o("CreatedProcessAccountName"),
                user_id: o("CreatedProcessAccountSid"),
                host_name: o("ComputerDnsName"),
                parent_time: o("CreatedProcessParentCreationTimeUtc"),
                grandparent_id: o("InitiatingProcessParentProcessId"),
                grandparent_name: o("InitiatingProcessParentProcessName"),
                grandparent_time: o("InitiatingProcessParentCreationTime"),
                initiator_id: o("InitiatingProcessId"),
                initiator_time: o("InitiatingProcessCreationTime"),
                ..ProcSchema::new(
                    "CreatedProcessCreationTime",
                    "CreatedProcessName",
                    "CreatedProcessId",
                    "CreatedProcessParentId",
                )
            },
            // osquery `process_events`. MSTICPy maps the parent name to
            // `pcmdline`, a command line that never equals an image name,
            // so it is not used for matching here.
            "osquery" => ProcSchema {
                cmd_line: o("cmdline"),
                user_name: o("username"),
                user_id: o("uid"),
                host_name: o("hostIdentifier"),
                ..ProcSchema::new("calendarTime", "name", "pid", "parent")
            },
            // FireEye HX `processEvent` from stateagentinspector/eventbuffer.
            "fireeye_hx" => ProcSchema {
                parent_name: o("parentprocess"),
                cmd_line: o("processcmdline"),
                user_name: o("username"),
                host_name: o("hostname"),
                event_id_column: o("eventtype"),
                event_id: o("start"),
                ..ProcSchema::new("starttime", "process", "pid", "parentpid")
            },
            _ => {
                return Err(Error::option(
                    "schema",
                    format!(
                        "unknown schema {name:?} (one of {})",
                        SCHEMA_NAMES.join(", ")
                    ),
                ))
            }
        };
        Ok(schema)
    }

    /// Every column name the schema refers to.
    pub fn columns(&self) -> Vec<&str> {
        let optional = [
            &self.parent_name,
            &self.cmd_line,
            &self.logon_id,
            &self.target_logon_id,
            &self.user_name,
            &self.user_id,
            &self.host_name,
            &self.event_id_column,
            &self.parent_time,
            &self.grandparent_id,
            &self.grandparent_name,
            &self.grandparent_time,
            &self.initiator_id,
            &self.initiator_time,
        ];
        self.with_required(optional)
    }

    /// The required columns, then those of `optional` that are set.
    fn with_required<'a, const N: usize>(
        &'a self,
        optional: [&'a Option<String>; N],
    ) -> Vec<&'a str> {
        self.required()
            .into_iter()
            .chain(optional.into_iter().flatten().map(String::as_str))
            .collect()
    }

    /// The columns linking reads (no command line, user or logon: what
    /// only the rendered rows show), for a summary that skips the rest.
    pub fn link_columns(&self) -> Vec<&str> {
        let optional = [
            &self.parent_name,
            &self.host_name,
            &self.event_id_column,
            &self.parent_time,
            &self.grandparent_id,
            &self.grandparent_name,
            &self.grandparent_time,
            &self.initiator_id,
            &self.initiator_time,
        ];
        self.with_required(optional)
    }

    /// Fails, naming the first required column `names` lacks and every
    /// column it has, as a build does: for callers that build on a table
    /// cut to the schema's columns, whose own error would list only those.
    pub fn check_columns(&self, names: &[String]) -> Result<()> {
        match self
            .required()
            .into_iter()
            .find(|c| !names.iter().any(|n| n == c))
        {
            Some(missing) => Err(Error::missing_column(missing, names)),
            None => Ok(()),
        }
    }

    /// The columns a table must have.
    pub fn required(&self) -> [&str; 4] {
        [
            &self.time_stamp,
            &self.process_name,
            &self.process_id,
            &self.parent_id,
        ]
    }

    /// The built-in schema that best fits `table`: the most schema columns
    /// present (at least 4), preferring schemas whose required columns are
    /// all there, ties to the earlier name in [`SCHEMA_NAMES`].
    pub fn infer(table: &Table) -> Result<(&'static str, ProcSchema)> {
        let mut best: Option<(bool, usize, &'static str, ProcSchema)> = None;
        for name in SCHEMA_NAMES {
            let schema = ProcSchema::by_name(name)?;
            let has = |c: &str| table.names().iter().any(|n| n == c);
            let matching = schema.columns().into_iter().filter(|c| has(c)).count();
            let complete = schema.required().into_iter().all(has);
            let better = best
                .as_ref()
                .is_none_or(|(bc, bm, _, _)| (complete, matching) > (*bc, *bm));
            if better {
                best = Some((complete, matching, name, schema));
            }
        }
        match best {
            Some((_, matching, name, schema)) if matching >= MIN_MATCHING => Ok((name, schema)),
            _ => Err(Error::new(ErrorKind::UnknownSchema {
                available: table.names().to_vec(),
            })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{read_table, TableFormat};

    fn table(header: &str) -> Table {
        read_table(format!("{header}\n").as_bytes(), TableFormat::Csv).unwrap()
    }

    #[test]
    fn every_name_resolves_and_infers_itself() {
        for name in SCHEMA_NAMES {
            let schema = ProcSchema::by_name(name).unwrap();
            let header = schema.columns().join(",");
            let (inferred, _) = ProcSchema::infer(&table(&header)).unwrap();
            assert_eq!(inferred, name, "{header}");
        }
        assert!(ProcSchema::by_name("nope")
            .unwrap_err()
            .to_string()
            .contains("4688, linux"));
    }

    #[test]
    fn inference_needs_four_columns() {
        let t = table("TimeGenerated,NewProcessName,Other");
        assert_eq!(
            ProcSchema::infer(&t).unwrap_err().kind_name(),
            "unknown_schema"
        );
        let t = table("UtcTime,Image,ProcessId,ParentProcessId");
        assert_eq!(ProcSchema::infer(&t).unwrap().0, "sysmon");
    }

    #[test]
    fn user_mapping_names_every_field() {
        let json = r#"{"time_stamp":"t","process_name":"n","process_id":"p","parent_id":"pp","host_name":"h"}"#;
        let schema: ProcSchema = serde_json::from_str(json).unwrap();
        assert_eq!(schema.host_name.as_deref(), Some("h"));
        assert_eq!(schema.columns(), ["t", "n", "p", "pp", "h"]);
        let bad =
            r#"{"time_stamp":"t","process_name":"n","process_id":"p","parent_id":"pp","host":"h"}"#;
        assert!(serde_json::from_str::<ProcSchema>(bad).is_err());
    }
}
