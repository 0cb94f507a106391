//! The one error type of the core.
//!
//! Every variant keeps the offending input (a column, a line, a pattern) so a
//! host can point at it; messages are lower case with no final period.

use std::fmt;

/// What went wrong, with the input that caused it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A requested column is not in the table. Pick one of `available`.
    MissingColumn {
        /// The column that was asked for.
        column: String,
        /// The columns the table has.
        available: Vec<String>,
    },
    /// The input could not be read as the given format. Check the file's
    /// format or pass it explicitly.
    Parse {
        /// The format that was being read (`csv`, `json`, `ndjson`, `arrow`).
        format: String,
        /// 1-based line (text formats) or batch (Arrow) where it failed, if known.
        line: Option<u64>,
        /// What the parser said.
        message: String,
    },
    /// The table has no usable text column. Name the columns to scan.
    NoTextColumns,
    /// An IoC type name is not one huntkit knows. See `IocType::ALL`.
    UnknownIocType(String),
    /// A user-given pattern does not compile. Fix the regex.
    InvalidPattern {
        /// The pattern's name.
        name: String,
        /// The compiler's message.
        message: String,
    },
    /// An option has a value out of range. Change the option.
    InvalidOption {
        /// The option's name.
        name: String,
        /// Why the value was refused.
        message: String,
    },
    /// A cell does not hold what the analysis needs (a time, a number). Fix
    /// the cell or pick another column.
    BadValue {
        /// The column.
        column: String,
        /// 0-based row in the table.
        row: usize,
        /// The cell as read (cut to 80 characters).
        value: String,
        /// What was expected (`a time`, `a number`).
        expected: &'static str,
    },
    /// Writing the output failed (only when writing to a sink that can fail).
    Output(String),
    /// A column has the wrong type for its role (a number column given as
    /// the time column). Pick another column or convert it first.
    ColumnType {
        /// The column.
        column: String,
        /// What the role needs (`a time column`, `a numeric column`).
        expected: &'static str,
        /// The column's type, with an example cell.
        found: String,
    },
    /// There is nothing to draw or analyse: the table is empty, or no row
    /// has a usable value. Check the filter that produced the table.
    NoRows(String),
    /// No built-in process schema fits the table's columns (fewer than 4
    /// match). Name a schema or give a column mapping.
    UnknownSchema {
        /// The columns the table has.
        available: Vec<String>,
    },
    /// A query template file or LocalData manifest is malformed or fails
    /// validation. Fix the file at `line` (the message says what is wrong).
    QueryFile {
        /// The file, as given to the loader.
        file: String,
        /// The template (source) the problem is in, if it is in one.
        source: Option<String>,
        /// 1-based line in the file, when known.
        line: Option<u64>,
        /// What is wrong.
        message: String,
    },
    /// The configuration file (msticpyconfig.yaml) is malformed or a
    /// setting in it cannot be used. Fix the file at `line`.
    ConfigFile {
        /// The file, as given.
        file: String,
        /// 1-based line, when known.
        line: Option<u64>,
        /// What is wrong.
        message: String,
    },
    /// No template answers to this name (or several do). List the
    /// templates, or name the data environment.
    UnknownTemplate {
        /// The name asked for.
        name: String,
        /// Why it did not resolve, with candidates when there are some.
        hint: String,
    },
    /// Required parameters of a template were not given. Pass all of
    /// `names`.
    MissingParameters {
        /// The template.
        template: String,
        /// Every missing parameter, in template order.
        names: Vec<String>,
    },
    /// A parameter value has the wrong type, or cannot be placed in the
    /// query safely. Pass a value of the parameter's type.
    ParameterValue {
        /// The template.
        template: String,
        /// The parameter.
        parameter: String,
        /// The value as given (cut to 80 characters).
        value: String,
        /// What was wrong.
        message: String,
    },
    /// A time expression could not be read. Use an ISO date-time, a
    /// number of days, or an offset such as `-1d`, `-2h@h`, `-1w@d`.
    TimeExpression {
        /// The expression as given.
        text: String,
        /// What was wrong.
        message: String,
    },
    /// An entity graph has no node with this id. List the nodes (the
    /// nodes table's `Id` column) and use one of them.
    UnknownNode {
        /// The id asked for.
        id: String,
    },
    /// An entity graph has no link between these nodes. List the links
    /// (the edges table) and use one of them.
    UnknownLink {
        /// One end, as given.
        source: String,
        /// The other end, as given.
        target: String,
    },
    /// The input has more entities than the graph may hold. Raise
    /// `max_nodes` or filter the input first.
    TooManyNodes {
        /// How many entities the input has (or at least has, see
        /// `at_least`).
        count: usize,
        /// Whether `count` is a lower bound (the input was not counted to
        /// its end).
        at_least: bool,
        /// The `max_nodes` limit in force.
        limit: usize,
    },
}

/// A core error: an [`ErrorKind`] the caller can match on, displayed as a
/// short lower-case sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
}

impl Error {
    /// Wraps a kind.
    pub fn new(kind: ErrorKind) -> Error {
        Error { kind }
    }

    /// The kind, for callers that react to particular failures.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// A stable machine name for the kind, used by the wasm facade as
    /// `Error.kind` and by the CLI for exit codes.
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            ErrorKind::MissingColumn { .. } => "missing_column",
            ErrorKind::Parse { .. } => "parse",
            ErrorKind::NoTextColumns => "no_text_columns",
            ErrorKind::UnknownIocType(_) => "unknown_ioc_type",
            ErrorKind::InvalidPattern { .. } => "invalid_pattern",
            ErrorKind::InvalidOption { .. } => "invalid_option",
            ErrorKind::BadValue { .. } => "bad_value",
            ErrorKind::Output(_) => "output",
            ErrorKind::NoRows(_) => "no_rows",
            ErrorKind::ColumnType { .. } => "column_type",
            ErrorKind::UnknownSchema { .. } => "unknown_schema",
            ErrorKind::QueryFile { .. } => "query_file",
            ErrorKind::ConfigFile { .. } => "config_file",
            ErrorKind::UnknownTemplate { .. } => "unknown_template",
            ErrorKind::MissingParameters { .. } => "missing_parameters",
            ErrorKind::ParameterValue { .. } => "parameter_value",
            ErrorKind::TimeExpression { .. } => "time_expression",
            ErrorKind::UnknownNode { .. } => "unknown_node",
            ErrorKind::UnknownLink { .. } => "unknown_link",
            ErrorKind::TooManyNodes { .. } => "too_many_nodes",
        }
    }

    pub(crate) fn parse(format: &str, line: Option<u64>, message: impl fmt::Display) -> Error {
        Error::new(ErrorKind::Parse {
            format: format.to_string(),
            line,
            message: message.to_string(),
        })
    }

    pub(crate) fn bad_value(
        column: &str,
        row: usize,
        value: &str,
        expected: &'static str,
    ) -> Error {
        Error::new(ErrorKind::BadValue {
            column: column.to_string(),
            row,
            value: value.chars().take(80).collect(),
            expected,
        })
    }

    pub(crate) fn missing_column(column: &str, available: &[String]) -> Error {
        Error::new(ErrorKind::MissingColumn {
            column: column.to_string(),
            available: available.to_vec(),
        })
    }

    pub(crate) fn option(name: &str, message: impl fmt::Display) -> Error {
        Error::new(ErrorKind::InvalidOption {
            name: name.to_string(),
            message: message.to_string(),
        })
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Error {
        Error::new(kind)
    }
}

impl std::error::Error for Error {}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::MissingColumn { column, available } => write!(
                f,
                "column {column:?} not in table (columns: {})",
                available.join(", ")
            ),
            ErrorKind::Parse {
                format,
                line: Some(line),
                message,
            } => write!(f, "cannot read {format} input at line {line}: {message}"),
            ErrorKind::Parse {
                format,
                line: None,
                message,
            } => write!(f, "cannot read {format} input: {message}"),
            ErrorKind::NoTextColumns => write!(f, "the table has no text columns to scan"),
            ErrorKind::UnknownIocType(name) => write!(f, "unknown IoC type {name:?}"),
            ErrorKind::InvalidPattern { name, message } => {
                write!(f, "pattern {name:?} does not compile: {message}")
            }
            ErrorKind::InvalidOption { name, message } => {
                write!(f, "option {name:?}: {message}")
            }
            // An empty cell is a null (a NaT, a NaN, a blank CSV field):
            // `"" is not a time` read like a parsing bug.
            ErrorKind::BadValue {
                column,
                row,
                value,
                expected,
            } if value.trim().is_empty() => write!(
                f,
                "row {row} of column {column:?} is empty (null or missing): it must be {expected}"
            ),
            ErrorKind::BadValue {
                column,
                row,
                value,
                expected,
            } => write!(
                f,
                "row {row} of column {column:?}: {value:?} is not {expected}"
            ),
            ErrorKind::Output(message) => write!(f, "cannot write output: {message}"),
            ErrorKind::NoRows(what) => write!(f, "{what}"),
            ErrorKind::ColumnType {
                column,
                expected,
                found,
            } => write!(
                f,
                "column {column:?} is not {expected} (its type is {found})"
            ),
            ErrorKind::UnknownSchema { available } => write!(
                f,
                "no process schema matches the columns ({}); name one or map the columns",
                available.join(", ")
            ),
            ErrorKind::QueryFile {
                file,
                source,
                line,
                message,
            } => {
                write!(f, "{file}")?;
                if let Some(line) = line {
                    write!(f, " line {line}")?;
                }
                if let Some(source) = source {
                    write!(f, ", template {source:?}")?;
                }
                write!(f, ": {message}")
            }
            ErrorKind::ConfigFile {
                file,
                line,
                message,
            } => {
                write!(f, "{file}")?;
                if let Some(line) = line {
                    write!(f, " line {line}")?;
                }
                write!(f, ": {message}")
            }
            ErrorKind::UnknownTemplate { name, hint } => {
                write!(f, "no query template named {name:?}{hint}")
            }
            ErrorKind::MissingParameters { template, names } => write!(
                f,
                "template {template:?} needs parameters it was not given: {}",
                names.join(", ")
            ),
            ErrorKind::ParameterValue {
                template,
                parameter,
                value,
                message,
            } => write!(
                f,
                "parameter {parameter:?} of template {template:?}: {value:?} {message}"
            ),
            ErrorKind::TimeExpression { text, message } => {
                write!(f, "cannot read time expression {text:?}: {message}")
            }
            ErrorKind::UnknownNode { id } => write!(f, "no node {id:?} in the entity graph"),
            ErrorKind::UnknownLink { source, target } => write!(
                f,
                "no link between {source:?} and {target:?} in the entity graph"
            ),
            ErrorKind::TooManyNodes {
                count,
                at_least,
                limit,
            } => write!(
                f,
                "the input has {}{count} entities, more than max_nodes ({limit}); raise max_nodes or filter the input",
                if *at_least { "at least " } else { "" }
            ),
        }
    }
}

/// Results of the core.
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_input() {
        let e = Error::new(ErrorKind::MissingColumn {
            column: "Cmd".into(),
            available: vec!["a".into(), "b".into()],
        });
        assert_eq!(e.to_string(), "column \"Cmd\" not in table (columns: a, b)");
        assert_eq!(e.kind_name(), "missing_column");
        let e = Error::parse("csv", Some(3), "unequal lengths");
        assert_eq!(
            e.to_string(),
            "cannot read csv input at line 3: unequal lengths"
        );
    }

    #[test]
    fn an_empty_cell_is_called_empty() {
        let e = Error::bad_value("TimeGenerated", 4, " ", "a time");
        assert_eq!(
            e.to_string(),
            "row 4 of column \"TimeGenerated\" is empty (null or missing): it must be a time"
        );
        let e = Error::bad_value("Pid", 2, "x1", "a process id");
        assert_eq!(
            e.to_string(),
            "row 2 of column \"Pid\": \"x1\" is not a process id"
        );
    }
}
