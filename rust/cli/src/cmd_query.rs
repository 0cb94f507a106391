//! `huntkit query run`: a query template against a live SIEM (Log
//! Analytics / Microsoft Sentinel, Microsoft Defender, Azure Data Explorer,
//! Splunk). The core renders each time chunk, builds each request and
//! reads each answer ([`QueryRun`]); this module performs the HTTP calls
//! with ureq, obtains Azure tokens (client credentials) and adds the
//! credentials from msticpyconfig.yaml or the environment.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{anyhow, bail, Context, Result};
use base64::Engine;
use clap::Subcommand;
use huntkit_core::config::{loopback_base_urls, read_msticpy_config, MsticpyConfig};
use huntkit_core::providers::siem::azuread::{
    parse_token, scope_for, token_request, ClientCredentials, AUTHORITIES,
};
use huntkit_core::providers::siem::{
    chunks_frame, siem_provider, template_span, ChunkStatus, QueryRun, QueryTarget, RunMode,
    RunOptions, SiemProvider,
};
use huntkit_core::providers::ti::retry::{RetryDecision, RetryPlan};
use huntkit_core::providers::{Auth, BaseUrl, HttpRequest, HttpResponse, ProviderDef};
use huntkit_core::queries::TimeSpan;
use huntkit_core::{Frame, FrameColumn, Table};
use regex::Regex;

use crate::cmd_queries::{clock, load, now_arg, parse_params, Library};
use crate::http::{self, SendError};
use crate::output::{self, OutputFormat};

/// Base URL overrides for tests (loopback only), as for `huntkit ti`.
const BASE_URLS_ENV: &str = "HUNTKIT_PROVIDER_BASE_URLS";

/// Where a pre-obtained Azure bearer token may be given (never on the
/// command line, where other users' `ps` would see it).
const TOKEN_ENV: &str = "HUNTKIT_AZURE_TOKEN";

/// The `query` subcommands.
#[derive(Debug, Subcommand)]
pub enum QueryCommand {
    /// Run a template against a SIEM provider (loganalytics, m365d, kusto, splunk).
    Run(RunArgs),
}

/// Arguments of `huntkit query run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Template name (family.name, an alias, or the bare name when unique).
    name: String,
    /// Provider: loganalytics (Microsoft Sentinel), m365d (Defender), kusto, splunk.
    #[arg(long)]
    provider: String,
    #[command(flatten)]
    library: Library,
    /// A parameter, NAME=VALUE (repeat).
    #[arg(short = 'p', long = "param", value_name = "NAME=VALUE")]
    params: Vec<String>,
    /// Start of the time range (ISO-8601, -7d, …); default: the template's.
    #[arg(long)]
    start: Option<String>,
    /// End of the time range; default: the template's (usually now).
    #[arg(long)]
    end: Option<String>,
    /// Run the template once per chunk of this period (1d, 6H, 30min) and join the rows.
    #[arg(long)]
    split_by: Option<String>,
    /// Do not split a chunk that is over the provider's limits; report it.
    #[arg(long)]
    no_auto_split: bool,
    /// How each chunk runs: export (one request, every provider) or jobs
    /// (Splunk search jobs: create, poll with backoff, read in pages; for
    /// long searches an export's connection would not survive). Default:
    /// DataProviders.<Provider>.Args.mode in msticpyconfig.yaml, else export.
    #[arg(long, value_enum)]
    mode: Option<ModeArg>,
    /// Rows per results page in jobs mode (default: Args.page_size, else 10000; at most 50000).
    #[arg(long)]
    page_size: Option<u32>,
    /// Seconds a search job may run before its chunk is reported timeout (default: Args.job_timeout, else 600).
    #[arg(long)]
    job_timeout: Option<u64>,
    /// AzureSentinel.Workspaces entry (default: Default, or the only one).
    #[arg(long)]
    workspace: Option<String>,
    /// Kusto cluster URL (default: the template's metadata, else DataProviders.Kusto.Args.Cluster).
    #[arg(long)]
    cluster: Option<String>,
    /// Kusto database (default: the template's metadata, else DataProviders.Kusto.Args.Database).
    #[arg(long)]
    database: Option<String>,
    /// msticpyconfig.yaml (default: $MSTICPYCONFIG, else ./msticpyconfig.yaml when present).
    #[arg(long)]
    config: Option<PathBuf>,
    /// The "now" relative times count from (ISO-8601); default: the clock.
    #[arg(long)]
    now: Option<String>,
    /// Seconds before one HTTP call is given up (Log Analytics' own limit is 10 minutes).
    #[arg(long, default_value_t = 660)]
    timeout: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    format: OutputFormat,
}

/// `--mode`: the core's [`RunMode`] as clap reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ModeArg {
    /// One request per chunk.
    Export,
    /// A search job per chunk (Splunk).
    Jobs,
}

/// Runs a `query` subcommand.
pub fn run(cmd: QueryCommand) -> Result<()> {
    match cmd {
        QueryCommand::Run(a) => run_query(a),
    }
}

fn read_config(given: Option<PathBuf>) -> Result<MsticpyConfig> {
    let path = given
        .or_else(|| std::env::var_os("MSTICPYCONFIG").map(PathBuf::from))
        .or_else(|| {
            let local = PathBuf::from("msticpyconfig.yaml");
            local.exists().then_some(local)
        });
    Ok(match path {
        Some(path) => {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            read_msticpy_config(&path.display().to_string(), &text)?
        }
        None => MsticpyConfig::default(),
    })
}

/// A setting of a `DataProviders` (or other) section, resolved.
fn setting(config: &MsticpyConfig, section: &str, keys: &[&str]) -> Result<Option<String>> {
    let Some(s) = config.provider(section) else {
        return Ok(None);
    };
    for key in keys {
        if let Some(v) = s.secret(&config.file, key, |n| std::env::var(n).ok())? {
            return Ok(Some(v));
        }
    }
    Ok(None)
}

/// `https://host:port` from a configured host (a URL is taken as is).
fn server_url(host: &str, port: Option<&str>, default_port: u16) -> Result<String> {
    let host = host.trim().trim_end_matches('/');
    if host.contains("://") {
        if !host.starts_with("https://") {
            bail!("{host:?} is not an https URL; provider hosts are reached over https only");
        }
        return Ok(host.to_string());
    }
    if host.is_empty() || host.contains(['/', '@', '?', '#', ' ']) {
        bail!("{host:?} is not a host name");
    }
    let port = port.map_or(default_port.to_string(), |p| p.trim().to_string());
    Ok(format!("https://{host}:{port}"))
}

/// What the calls need: the base URL and how to authenticate.
struct Endpoint {
    def: &'static ProviderDef,
    base: String,
    authorization: String,
    secrets: Vec<String>,
}

fn run_query(a: RunArgs) -> Result<()> {
    let provider = siem_provider(&a.provider).ok_or_else(|| {
        let all: Vec<&str> = huntkit_core::providers::siem::providers()
            .iter()
            .map(|p| p.name())
            .collect();
        anyhow!(
            "unknown query provider {:?}; the providers are {}",
            a.provider,
            all.join(", ")
        )
    })?;
    let store = load(&a.library, false)?;
    let template = store
        .get(&a.name, Some(provider.environment))
        .or_else(|_| store.get(&a.name, None))?;
    let params = parse_params(&a.params)?;
    let now = now_arg(&a.now)?.unwrap_or_else(clock);
    let span = time_range(&a, template, &params, now)?;
    let config = read_config(a.config.clone())?;
    let overrides: HashMap<String, String> = match std::env::var(BASE_URLS_ENV) {
        Ok(text) => {
            let list = loopback_base_urls(&text)?;
            if let Some((name, _)) = list
                .iter()
                .find(|(n, _)| huntkit_core::providers::provider(n).is_none())
            {
                bail!("{BASE_URLS_ENV} names unknown provider {name:?}");
            }
            list.into_iter().collect()
        }
        Err(_) => HashMap::new(),
    };
    let metadata = |k: &str| {
        template
            .metadata
            .get(k)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let mut target = QueryTarget::default();
    let mut tenant_from_workspace = None;
    match provider.name() {
        "loganalytics" => {
            let ws = config.workspace(a.workspace.as_deref())?;
            target.workspace_id = Some(ws.workspace_id.clone().ok_or_else(|| {
                anyhow!(
                    "AzureSentinel.Workspaces.{}.WorkspaceId is not set in {}",
                    ws.name,
                    config.file
                )
            })?);
            tenant_from_workspace = ws.tenant_id.clone();
        }
        "kusto" => {
            target.database = a
                .database
                .clone()
                .or_else(|| metadata("database"))
                .or(setting(&config, "Kusto", &["Database"])?);
        }
        _ => {}
    }
    // The section's run settings are defaults; each flag given wins.
    let defaults = config.run_defaults(provider, |n| std::env::var(n).ok())?;
    let options = RunOptions {
        split_by: a.split_by.clone(),
        auto_split: !a.no_auto_split,
        mode: match a.mode {
            Some(ModeArg::Export) => RunMode::Export,
            Some(ModeArg::Jobs) => RunMode::Jobs,
            None => defaults.mode.unwrap_or_default(),
        },
        page_size: a.page_size.or(defaults.page_size),
        job_timeout_secs: a.job_timeout.or(defaults.job_timeout_secs),
        ..RunOptions::default()
    };
    let mut run = QueryRun::new(
        provider.name(),
        template,
        &params,
        span,
        target,
        options,
        now,
    )?;
    let agent = agent(Duration::from_secs(a.timeout.max(1)), !overrides.is_empty());
    let endpoint = endpoint(
        &agent,
        provider,
        &config,
        &overrides,
        a.cluster.clone().or_else(|| metadata("cluster")),
        tenant_from_workspace,
    )?;
    let retry = RetryPlan::default();
    // Generic over providers: a follow-up (a job's poll) comes with the
    // wait to honour before it; a 429 is retried as the core's plan says.
    while let Some(planned) = run.next_request()? {
        if planned.wait_ms > 0 {
            std::thread::sleep(Duration::from_millis(planned.wait_ms));
        }
        match send(&agent, &endpoint, &planned.request, &retry) {
            Ok(response) => run.submit(planned.id, &response)?,
            Err(message) => run.fail(planned.id, ChunkStatus::Error, &message)?,
        }
    }
    let outcome = run.finish()?;
    for note in &outcome.notes {
        eprintln!("huntkit: {note}");
    }
    let failed = outcome.chunks.iter().any(|c| c.status != ChunkStatus::Ok);
    if failed || outcome.chunks.len() > 1 {
        // The chunk report goes to stderr so stdout stays the rows.
        let mut report = Vec::new();
        let frame = chunks_frame(&outcome.chunks);
        write_report(&frame, &mut report);
        eprint!("{}", String::from_utf8_lossy(&report));
    }
    if outcome.table.rows() == 0 && !outcome.status.has_rows() && outcome.status != ChunkStatus::Ok
    {
        let first = outcome
            .chunks
            .iter()
            .find(|c| c.status != ChunkStatus::Ok)
            .map(|c| c.messages.join("; "))
            .unwrap_or_default();
        bail!(
            "{} query failed ({}): {first}",
            provider.name(),
            outcome.status.name()
        );
    }
    if outcome.status == ChunkStatus::Partial {
        eprintln!(
            "huntkit: partial result: {} rows; some chunks failed or were cut (listed above)",
            outcome.table.rows()
        );
    }
    output::write(&table_frame(&outcome.table), a.format)
}

fn write_report(frame: &Frame, out: &mut Vec<u8>) {
    use std::io::Write;
    let _ = writeln!(out, "huntkit: chunks:");
    for r in 0..frame.rows() {
        let cells: Vec<String> = frame.columns().iter().map(|c| c.text(r)).collect();
        let _ = writeln!(
            out,
            "  {} {} .. {} {} rows={} {}",
            cells[0], cells[1], cells[2], cells[3], cells[4], cells[5]
        );
    }
}

/// The run's time range: `--start`/`--end`, else the template's own
/// `start`/`end` defaults as rendered (so a split and Log Analytics'
/// `timespan` use them too); none when the template takes no times.
fn time_range(
    a: &RunArgs,
    template: &huntkit_core::queries::Template,
    params: &serde_json::Map<String, serde_json::Value>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<TimeSpan>> {
    if a.start.is_some() || a.end.is_some() {
        let end = a.end.clone().unwrap_or_else(|| "now".into());
        let start = a
            .start
            .clone()
            .ok_or_else(|| anyhow!("--end needs --start"))?;
        return Ok(Some(
            TimeSpan::new(Some(&start), Some(&end), None, now).context("--start/--end")?,
        ));
    }
    Ok(template_span(template, params, now)?)
}

fn agent(timeout: Duration, loopback: bool) -> ureq::Agent {
    let mut config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        // A redirect could carry a token to another host: answers are
        // read where they are.
        .max_redirects(0)
        .max_redirects_will_error(false)
        .timeout_global(Some(timeout))
        .user_agent(concat!("huntkit/", env!("CARGO_PKG_VERSION")));
    if loopback {
        config = config.proxy(None);
    }
    config.build().into()
}

/// The provider's base URL and `Authorization` header.
fn endpoint(
    agent: &ureq::Agent,
    p: &SiemProvider,
    config: &MsticpyConfig,
    overrides: &HashMap<String, String>,
    cluster: Option<String>,
    workspace_tenant: Option<String>,
) -> Result<Endpoint> {
    let def = p.def;
    let base = match overrides.get(def.name) {
        Some(b) => b.clone(),
        None => match &def.base_url {
            BaseUrl::Fixed(b) => b.to_string(),
            BaseUrl::FromConfig(_) if def.name == "kusto" => {
                let c = cluster
                    .or(setting(config, "Kusto", &["Cluster", "cluster"])?)
                    .ok_or_else(|| {
                        anyhow!("kusto needs a cluster: --cluster, the template's metadata.cluster, or DataProviders.Kusto.Args.Cluster")
                    })?;
                server_url(&c, Some("443"), 443)?
            }
            BaseUrl::FromConfig(key) => {
                let host = setting(config, def.config_name, &[key])?.ok_or_else(|| {
                    anyhow!(
                        "{} needs a server: set DataProviders.{}.Args.{key}",
                        def.name,
                        def.config_name
                    )
                })?;
                let port = setting(config, def.config_name, &["port"])?;
                server_url(&host, port.as_deref(), 8089)?
            }
            BaseUrl::Listed(_) => bail!("{} has no single base URL", def.name),
        },
    };
    let (authorization, secrets) = match &def.auth {
        Auth::Bearer { .. } => {
            let token = azure_token(agent, p, config, overrides, &base, workspace_tenant)?;
            (format!("Bearer {token}"), vec![token])
        }
        Auth::BasicOrToken {
            user_key,
            password_key,
            token_key,
        } => {
            let section = def.config_name;
            if let Some(token) = setting(config, section, &[token_key])? {
                (format!("Bearer {token}"), vec![token])
            } else {
                let user = setting(config, section, &[user_key])?;
                let pw = setting(config, section, &[password_key])?;
                match (user, pw) {
                    (Some(u), Some(pw)) => {
                        let b = base64::engine::general_purpose::STANDARD
                            .encode(format!("{u}:{pw}"));
                        (format!("Basic {b}"), vec![pw, b])
                    }
                    _ => bail!(
                        "{} needs credentials: set DataProviders.{section}.Args.{token_key}, or {user_key} and {password_key}",
                        def.name
                    ),
                }
            }
        }
        other => bail!(
            "{} uses {other:?} authentication, which query run does not perform",
            def.name
        ),
    };
    Ok(Endpoint {
        def,
        base,
        authorization,
        secrets,
    })
}

/// A bearer token for `p` at `base`: `HUNTKIT_AZURE_TOKEN` when set, else
/// the OAuth2 client-credentials flow with `AZURE_TENANT_ID`,
/// `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET` (or the provider's or
/// `DataProviders.AzureCLI`'s `Args`), at `AZURE_AUTHORITY_HOST` (one of
/// the Azure clouds; a loopback override in tests).
fn azure_token(
    agent: &ureq::Agent,
    p: &SiemProvider,
    config: &MsticpyConfig,
    overrides: &HashMap<String, String>,
    base: &str,
    workspace_tenant: Option<String>,
) -> Result<String> {
    if let Ok(t) = std::env::var(TOKEN_ENV) {
        if !t.trim().is_empty() {
            return Ok(t.trim().to_string());
        }
    }
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    let from_config = |keys: &[&str]| -> Result<Option<String>> {
        for section in [p.def.config_name, "AzureCLI"] {
            if let Some(v) = setting(config, section, keys)? {
                return Ok(Some(v));
            }
        }
        Ok(None)
    };
    let tenant = match env("AZURE_TENANT_ID") {
        Some(t) => Some(t),
        None => from_config(&["TenantId", "tenantId", "tenant_id"])?.or(workspace_tenant),
    };
    let client = match env("AZURE_CLIENT_ID") {
        Some(c) => Some(c),
        None => from_config(&["ClientId", "clientId", "client_id"])?,
    };
    let secret = match env("AZURE_CLIENT_SECRET") {
        Some(s) => Some(s),
        None => from_config(&["ClientSecret", "clientSecret", "client_secret"])?,
    };
    let (Some(tenant_id), Some(client_id), Some(client_secret)) = (tenant, client, secret) else {
        bail!(
            "{} needs an azure token: set {TOKEN_ENV}, or AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or DataProviders.AzureCLI.Args.tenantId/clientId/clientSecret)",
            p.name()
        );
    };
    let creds = ClientCredentials {
        tenant_id,
        client_id,
        client_secret: client_secret.clone(),
    };
    let scope = scope_for(p.def, base).unwrap_or_default();
    let authority = env("AZURE_AUTHORITY_HOST");
    let request = token_request(&creds, &scope, authority.as_deref())?;
    let authority_base = match overrides.get("azuread") {
        Some(b) => b.clone(),
        None => request
            .base_url
            .clone()
            .unwrap_or_else(|| AUTHORITIES[0].to_string()),
    };
    let ep = Endpoint {
        def: &huntkit_core::providers::siem::AZUREAD,
        base: authority_base,
        authorization: String::new(),
        secrets: vec![client_secret],
    };
    let response = send(agent, &ep, &request, &RetryPlan::default()).map_err(|e| anyhow!(e))?;
    parse_token(&response)
        .map(|t| t.token)
        .map_err(|e| anyhow!(e))
}

/// Performs one request (429s retried as the core's plan says).
fn send(
    agent: &ureq::Agent,
    ep: &Endpoint,
    request: &HttpRequest,
    retry: &RetryPlan,
) -> Result<HttpResponse, String> {
    let op = ep
        .def
        .operation(&request.operation)
        .ok_or_else(|| format!("{} has no operation {:?}", ep.def.name, request.operation))?;
    let allowed = Regex::new(op.path_pattern).map_err(|e| e.to_string())?;
    if op.method != request.method || !allowed.is_match(&request.path) {
        return Err(format!("{} refuses path {:?}", ep.def.name, request.path));
    }
    let url = format!("{}{}", ep.base.trim_end_matches('/'), request.path);
    let mut attempt = 1;
    loop {
        let response = call(agent, ep, &url, request)?;
        let unix_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        match retry.decide(attempt, &response, unix_ms) {
            RetryDecision::RetryAfter(ms) => {
                std::thread::sleep(Duration::from_millis(ms));
                attempt += 1;
            }
            RetryDecision::Done => return Ok(response),
        }
    }
}

fn call(
    agent: &ureq::Agent,
    ep: &Endpoint,
    url: &str,
    request: &HttpRequest,
) -> Result<HttpResponse, String> {
    let redact = |text: String| {
        let mut out = text;
        for s in &ep.secrets {
            if !s.is_empty() {
                out = out.replace(s.as_str(), "***");
            }
        }
        out
    };
    let mut headers = request.headers.clone();
    if !ep.authorization.is_empty() {
        headers.push(("authorization".into(), ep.authorization.clone()));
    }
    // Log Analytics answers up to 64 MB compressed; a little more as text.
    let response = http::send(
        agent,
        request.method,
        url,
        &request.query,
        &headers,
        request.body.as_deref(),
        512 << 20,
    )
    .map_err(|e| match e {
        SendError::Unreachable(e) => redact(format!("{} could not be reached: {e}", ep.def.name)),
        SendError::Unreadable(e) => {
            redact(format!("{} answer could not be read: {e}", ep.def.name))
        }
    })?;
    Ok(HttpResponse {
        body: redact(response.body),
        ..response
    })
}

/// The typed table as an output frame: numbers and flags keep their type
/// (NDJSON writes them as JSON numbers and booleans), times as ISO text.
fn table_frame(t: &Table) -> Frame {
    use arrow_schema::DataType;
    let mut cols = Vec::with_capacity(t.names().len());
    for (i, name) in t.names().iter().enumerate() {
        let c = t.column(i);
        let n = t.rows();
        let col = match c.data_type() {
            DataType::Int32 | DataType::Int64 => {
                FrameColumn::Int64((0..n).map(|r| c.integer(r)).collect())
            }
            DataType::Float64 => FrameColumn::Float64((0..n).map(|r| c.number(r)).collect()),
            DataType::Boolean => FrameColumn::Bool((0..n).map(|r| c.boolean(r)).collect()),
            DataType::Timestamp(..) => FrameColumn::Utf8(
                (0..n)
                    .map(|r| c.time_ms(r).map(huntkit_core::format_time_ms))
                    .collect(),
            ),
            _ => FrameColumn::Utf8((0..n).map(|r| c.get(r).map(str::to_string)).collect()),
        };
        cols.push((name.as_str(), col));
    }
    Frame::new(cols)
}
