//! `huntkit sessionize` and `huntkit sessions`: cut events into sessions and
//! score sessions with MSTICPy's anomalous-sequence model.

use anyhow::{bail, Context, Result};
use huntkit_core::{
    parse_duration_ms, read_table, score_sessions, sessionize, sessions_frame, Frame,
    SessionizeOptions, Table, TableFormat,
};

use crate::input::{list, Format, ReadArgs};
use crate::output::{self, OutputFormat};

/// How events are cut into sessions (MSTICPy's `sessionize_data` parameters).
#[derive(Debug, clap::Args)]
pub struct EventArgs {
    /// Columns naming the actor (`user,host`); a change starts a session.
    #[arg(long)]
    user_identifier_cols: Option<String>,
    /// The time column.
    #[arg(long)]
    time_col: Option<String>,
    /// The event (command) column.
    #[arg(long)]
    event_col: Option<String>,
    /// Longest session (`20min`, `1h`).
    #[arg(long, default_value = "20min")]
    max_session_time: String,
    /// Longest gap between two events of a session (`2min`).
    #[arg(long, default_value = "2min")]
    max_event_separation: String,
}

impl EventArgs {
    fn options(&self) -> Result<Option<SessionizeOptions>> {
        let (Some(time_col), Some(event_col)) = (&self.time_col, &self.event_col) else {
            if self.time_col.is_some() || self.event_col.is_some() {
                bail!("--time-col and --event-col go together");
            }
            return Ok(None);
        };
        let dur = |name: &str, v: &str| {
            parse_duration_ms(v)
                .with_context(|| format!("--{name}: bad duration {v:?} (try 20min, 1h)"))
        };
        Ok(Some(SessionizeOptions {
            user_identifier_cols: list(&self.user_identifier_cols).unwrap_or_default(),
            time_col: time_col.clone(),
            event_col: event_col.clone(),
            max_session_time_ms: dur("max-session-time", &self.max_session_time)?,
            max_event_separation_ms: dur("max-event-separation", &self.max_event_separation)?,
        }))
    }
}

/// Input and output formats, shared by both commands.
#[derive(Debug, clap::Args)]
pub struct IoArgs {
    #[command(flatten)]
    read: ReadArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    format: OutputFormat,
}

/// Arguments of `huntkit sessionize`.
#[derive(Debug, clap::Args)]
pub struct SessionizeArgs {
    /// Event table (CSV, JSON/NDJSON or Arrow IPC); `-` or nothing for stdin.
    file: Option<String>,
    #[command(flatten)]
    events: EventArgs,
    #[command(flatten)]
    io: IoArgs,
}

/// Arguments of `huntkit sessions`.
#[derive(Debug, clap::Args)]
pub struct SessionsArgs {
    /// Sessions (one JSON list per line, or a table with --session-column),
    /// or event rows with --time-col/--event-col; `-` or nothing for stdin.
    file: Option<String>,
    /// The column holding each session as a JSON list (for JSON-list lines: `text`).
    #[arg(long, default_value = "session")]
    session_column: String,
    /// Length of the sliding window for the rarest window.
    #[arg(long, default_value_t = 3)]
    window_length: usize,
    #[command(flatten)]
    events: EventArgs,
    #[command(flatten)]
    io: IoArgs,
}

fn read(file: Option<&str>, io: &IoArgs) -> Result<(Table, bool)> {
    let (input, format) = io.read.open(file, true)?;
    let Some(format) = format else {
        bail!("sessions need a table (CSV, JSON/NDJSON or Arrow IPC) or JSON-list lines");
    };
    let bytes = input.read_decoded()?;
    let start = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if start.is_none() {
        bail!("{} is empty", file.unwrap_or("<stdin>"));
    }
    // One JSON list per line: each line is a session.
    if start == Some(&b'[') && !matches!(format, Format::Known(TableFormat::Csv)) {
        let text = String::from_utf8_lossy(&bytes);
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        if lines.first().is_some_and(|l| {
            l.trim_start().starts_with("[[")
                || l.trim_start().starts_with("[\"")
                || l.trim_start().starts_with("[{")
                || l.trim() == "[]"
        }) {
            return Ok((Table::from_lines(&lines.join("\n")), true));
        }
    }
    let format = match format {
        Format::Known(f) => f,
        Format::Detect => TableFormat::detect(&bytes),
    };
    Ok((
        read_table(&bytes, format).with_context(|| file.unwrap_or("<stdin>").to_string())?,
        false,
    ))
}

fn sessions_of(table: &Table, opts: &SessionizeOptions) -> Result<Frame> {
    Ok(sessions_frame(&sessionize(table, opts)?, opts))
}

/// Runs `huntkit sessionize`.
pub fn run_sessionize(args: SessionizeArgs) -> Result<()> {
    let Some(opts) = args.events.options()? else {
        bail!("sessionize needs --time-col and --event-col");
    };
    let (table, _) = read(args.file.as_deref(), &args.io)?;
    output::write(&sessions_of(&table, &opts)?, args.io.format)
}

/// Runs `huntkit sessions`.
pub fn run_sessions(args: SessionsArgs) -> Result<()> {
    let (table, lines) = read(args.file.as_deref(), &args.io)?;
    let (table, column) = match args.events.options()? {
        Some(opts) => {
            // Sessionize first, then score the `<event>_list` column.
            let frame = sessions_of(&table, &opts)?;
            let mut buf = Vec::new();
            frame.write_ndjson(&mut buf)?;
            let table = if frame.rows() == 0 {
                Table::default()
            } else {
                read_table(&buf, TableFormat::Ndjson)?
            };
            (table, format!("{}_list", opts.event_col))
        }
        None if lines => (table, "text".to_string()),
        None => (table, args.session_column),
    };
    if table.rows() == 0 {
        bail!("no sessions to score");
    }
    output::write(
        &score_sessions(&table, &column, args.window_length)?,
        args.io.format,
    )
}
