//! `huntkit config validate`: checks msticpyconfig.yaml (provider keys,
//! environment variables, Azure Sentinel workspaces, data providers) and
//! prints the findings, never a value. Exit 1 when any finding is an error.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use huntkit_core::config::{findings_frame, has_errors, validate, FindingLevel};

use crate::output::{self, OutputFormat};

/// The `config` subcommands.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Check msticpyconfig.yaml: missing or invalid keys, unset environment variables, non-GUID ids.
    Validate(ValidateArgs),
}

/// Arguments of `huntkit config validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// The file (default: $MSTICPYCONFIG, else ./msticpyconfig.yaml).
    #[arg(long)]
    file: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    format: OutputFormat,
}

/// Runs a `config` subcommand.
pub fn run(cmd: ConfigCommand) -> Result<()> {
    match cmd {
        ConfigCommand::Validate(args) => run_validate(args),
    }
}

fn run_validate(args: ValidateArgs) -> Result<()> {
    let Some(path) = crate::cmd_ti::config_path(args.file) else {
        bail!("no msticpyconfig.yaml: pass --file, set MSTICPYCONFIG, or run where the file is");
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let name = path.display().to_string();
    let findings = validate(&name, &text, &|var| std::env::var(var).ok());
    output::write(&findings_frame(&findings), args.format)?;
    let errors = findings
        .iter()
        .filter(|f| f.level == FindingLevel::Error)
        .count();
    let warnings = findings.len() - errors;
    eprintln!("{name}: {errors} errors, {warnings} warnings");
    if has_errors(&findings) {
        // The findings are the message; exit 1 as for any unusable input.
        std::process::exit(1);
    }
    Ok(())
}
