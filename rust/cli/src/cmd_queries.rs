//! `huntkit queries`: list, show, render and run (over LocalData) query
//! templates in MSTICPy's YAML format.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Subcommand, ValueEnum};
use huntkit_core::queries::{parse_time, render, LocalData, QueryFilter, QueryStore, Template};
use serde_json::{Map, Value};

use crate::output::{self, OutputFormat};

/// The `queries` subcommands.
#[derive(Debug, Subcommand)]
pub enum QueriesCommand {
    /// List templates (name, environments, entities, description).
    List(ListArgs),
    /// Show one template: description, parameters, query text.
    Show(ShowArgs),
    /// Render a template with parameters.
    Render(RenderArgs),
    /// Run a template over local files mapped by a LocalData manifest.
    Run(RunArgs),
}

/// Where the templates are.
#[derive(Debug, clap::Args)]
pub struct Library {
    /// Template folder (read recursively); repeat for several.
    #[arg(long = "dir", default_value = "queries")]
    dirs: Vec<PathBuf>,
}

/// Text or JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    /// For reading.
    Text,
    /// One JSON document.
    Json,
}

/// Arguments of `huntkit queries list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    #[command(flatten)]
    library: Library,
    /// Only this data environment (aliases work: LogAnalytics, MDATP, …).
    #[arg(long = "env")]
    environment: Option<String>,
    /// Only this data family.
    #[arg(long)]
    family: Option<String>,
    /// Words to find in name, description, parameters.
    #[arg(long)]
    search: Option<String>,
    /// Only templates taking this pivot entity (host, account, ip, process, url, file_hash).
    #[arg(long)]
    entity: Option<String>,
    /// Only templates taking this parameter.
    #[arg(long)]
    parameter: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
    format: ShowFormat,
}

/// Arguments of `huntkit queries show`.
#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// Template name: family.name, an alias, or the bare name when unique.
    name: String,
    #[command(flatten)]
    library: Library,
    /// Data environment, when several templates share the name.
    #[arg(long = "env")]
    environment: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
    format: ShowFormat,
}

/// Arguments of `huntkit queries render`.
#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// Template name.
    name: String,
    #[command(flatten)]
    library: Library,
    /// Data environment, when several templates share the name.
    #[arg(long = "env")]
    environment: Option<String>,
    /// A parameter, NAME=VALUE (repeat). Times: ISO, -1d, -2h@h, a number
    /// of days; lists: a,b,c or JSON [..].
    #[arg(short = 'p', long = "param", value_name = "NAME=VALUE")]
    params: Vec<String>,
    /// The "now" relative times count from (ISO-8601); default: the clock.
    #[arg(long)]
    now: Option<String>,
    /// Output format: the query text, or JSON with the values used.
    #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
    format: ShowFormat,
}

/// Arguments of `huntkit queries run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Template name.
    name: String,
    #[command(flatten)]
    library: Library,
    /// The LocalData manifest (YAML) mapping templates to files.
    #[arg(long)]
    manifest: PathBuf,
    /// A parameter, NAME=VALUE (repeat).
    #[arg(short = 'p', long = "param", value_name = "NAME=VALUE")]
    params: Vec<String>,
    /// The "now" relative times count from (ISO-8601); default: the
    /// manifest's `now`, else the clock.
    #[arg(long)]
    now: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    format: OutputFormat,
}

/// Runs a subcommand.
pub fn run(cmd: QueriesCommand) -> Result<()> {
    match cmd {
        QueriesCommand::List(a) => list(a),
        QueriesCommand::Show(a) => show(a),
        QueriesCommand::Render(a) => render_cmd(a),
        QueriesCommand::Run(a) => run_local(a),
    }
}

pub(crate) fn load(library: &Library, report_all: bool) -> Result<QueryStore> {
    let mut store = QueryStore::new();
    for dir in &library.dirs {
        store
            .load_dir(dir)
            .with_context(|| format!("cannot read template folder {}", dir.display()))?;
    }
    let errors = store.errors();
    if report_all {
        for e in errors {
            eprintln!("huntkit: skipped: {}", e.message);
        }
    } else if !errors.is_empty() {
        eprintln!(
            "huntkit: {} template file(s) or template(s) did not load (see `huntkit queries list`)",
            errors.len()
        );
    }
    Ok(store)
}

pub(crate) fn parse_params(items: &[String]) -> Result<Map<String, Value>> {
    let mut out = Map::new();
    for item in items {
        let Some((k, v)) = item.split_once('=') else {
            bail!("parameter {item:?} is not NAME=VALUE");
        };
        let v = v.trim();
        let value = if v.starts_with('[') || v.starts_with('{') {
            serde_json::from_str(v).with_context(|| format!("parameter {k:?}: not JSON"))?
        } else {
            Value::String(v.to_string())
        };
        out.insert(k.trim().to_string(), value);
    }
    Ok(out)
}

pub(crate) fn clock() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from(std::time::SystemTime::now())
}

pub(crate) fn now_arg(now: &Option<String>) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
    now.as_deref()
        .map(|n| parse_time(n, clock()).map_err(anyhow::Error::from))
        .transpose()
        .context("--now")
}

fn list(a: ListArgs) -> Result<()> {
    let store = load(&a.library, true)?;
    let filter = QueryFilter {
        environment: a.environment,
        family: a.family,
        search: a.search,
        parameter: a.parameter,
        entity: a.entity,
    };
    let found = store.find(&filter);
    let mut out = BufWriter::new(io::stdout().lock());
    match a.format {
        ShowFormat::Json => {
            serde_json::to_writer(&mut out, &found)?;
            writeln!(out)?;
        }
        ShowFormat::Text => {
            let width = found.iter().map(|t| t.name.len()).max().unwrap_or(0);
            for t in &found {
                writeln!(
                    out,
                    "{:<width$}  {:<12}  {:<14}  {}",
                    t.name,
                    t.environments.join(","),
                    t.entities.join(","),
                    t.description
                )?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

fn show(a: ShowArgs) -> Result<()> {
    let store = load(&a.library, false)?;
    let t = store.get(&a.name, a.environment.as_deref())?;
    let mut out = BufWriter::new(io::stdout().lock());
    match a.format {
        ShowFormat::Json => {
            serde_json::to_writer(&mut out, t)?;
            writeln!(out)?;
        }
        ShowFormat::Text => write_template(&mut out, t)?,
    }
    out.flush()?;
    Ok(())
}

fn write_template(out: &mut impl Write, t: &Template) -> io::Result<()> {
    writeln!(out, "{}", t.name)?;
    writeln!(out, "  {}", t.description)?;
    writeln!(out, "  environments: {}", t.environments.join(", "))?;
    writeln!(out, "  families: {}", t.families.join(", "))?;
    if !t.entities.is_empty() {
        writeln!(out, "  entities: {}", t.entities.join(", "))?;
    }
    writeln!(out, "  file: {} line {}", t.file, t.line)?;
    writeln!(out, "parameters:")?;
    for p in &t.parameters {
        let default = match &p.default {
            Some(Value::String(s)) => format!(" = {s:?}"),
            Some(v) => format!(" = {v}"),
            None => " (required)".to_string(),
        };
        let aliases = if p.aliases.is_empty() {
            String::new()
        } else {
            format!(" [aka {}]", p.aliases.join(", "))
        };
        writeln!(
            out,
            "  {}: {}{default}{aliases}  {}",
            p.name,
            p.kind.name(),
            p.description
        )?;
    }
    writeln!(out, "query:")?;
    for line in t.query.trim().lines() {
        writeln!(out, "  {}", line.trim_end())?;
    }
    Ok(())
}

fn render_cmd(a: RenderArgs) -> Result<()> {
    let store = load(&a.library, false)?;
    let t = store.get(&a.name, a.environment.as_deref())?;
    let params = parse_params(&a.params)?;
    let now = now_arg(&a.now)?.unwrap_or_else(clock);
    let r = render(t, &params, now)?;
    for name in &r.ignored {
        eprintln!("huntkit: {} takes no parameter {name:?} (ignored)", t.name);
    }
    let mut out = BufWriter::new(io::stdout().lock());
    match a.format {
        ShowFormat::Json => serde_json::to_writer(&mut out, &r)?,
        ShowFormat::Text => out.write_all(r.query.as_bytes())?,
    }
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

fn run_local(a: RunArgs) -> Result<()> {
    let store = load(&a.library, false)?;
    let text = std::fs::read_to_string(&a.manifest)
        .with_context(|| format!("cannot read {}", a.manifest.display()))?;
    let manifest_name = a.manifest.display().to_string();
    let local = LocalData::from_yaml(&manifest_name, &text)?;
    // A LocalData template first; another environment's template of that
    // name (its parameters) when the manifest maps it.
    let t = store
        .get(&a.name, Some("LocalData"))
        .or_else(|_| store.get(&a.name, None))?;
    let params = parse_params(&a.params)?;
    let base: &Path = a.manifest.parent().unwrap_or(Path::new("."));
    // The file is read here so a missing one is reported with its path;
    // an unmapped template never gets this far (run says so).
    let data = match local.source_for(t) {
        Some(src) => {
            let path = base.join(&src.file);
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?
        }
        None => Vec::new(),
    };
    let mut read = |_: &str| -> huntkit_core::Result<Vec<u8>> { Ok(data.clone()) };
    // --now overrides the manifest's own "now".
    let now = now_arg(&a.now)?;
    let result = match now {
        Some(now) => {
            let mut l = local.clone();
            l.set_now(Some(now));
            l.run(t, &params, now, &mut read)?
        }
        None => local.run(t, &params, clock(), &mut read)?,
    };
    eprintln!(
        "huntkit: {} of {} rows from {}{}",
        result.frame.rows(),
        result.rows_read,
        result.file,
        if result.applied.is_empty() {
            String::new()
        } else {
            format!(" where {}", result.applied.join(", "))
        }
    );
    output::write(&result.frame, a.format)
}
