//! `huntkit ti`: threat-intelligence and context lookups. The core checks
//! each observable, builds each request and reads each answer; this module
//! only performs the HTTP calls, adds the keys from msticpyconfig.yaml, and
//! paces them (token bucket per provider, 429 retries, session cache).

use std::collections::HashMap;
use std::io::{self, BufRead};
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context, Result};
use base64::Engine;
use clap::Subcommand;
use huntkit_core::config::{loopback_base_urls, read_msticpy_config, MsticpyConfig};
use huntkit_core::providers::ti::retry::{ResultCache, RetryDecision, RetryPlan, TokenBucket};
use huntkit_core::providers::ti::{
    check_observable, lookup_frame, providers, ti_provider, LookupResult, LookupStatus, TiProvider,
};
use huntkit_core::providers::{
    registry, Auth, BaseUrl, HttpRequest, HttpResponse, ProviderDef, ProviderKind,
};
use huntkit_core::{Frame, FrameColumn, IocType};
use regex::Regex;

use crate::http::{self, SendError};
use crate::output::{self, OutputFormat};

/// Environment variable naming base URL overrides for tests
/// (`virustotal=http://127.0.0.1:PORT,…`); loopback addresses only.
const BASE_URLS_ENV: &str = "HUNTKIT_PROVIDER_BASE_URLS";

/// The `ti` subcommands.
#[derive(Debug, Subcommand)]
pub enum TiCommand {
    /// List the providers: name, configuration section, kind, authentication, operations, rate limit.
    Providers(ProvidersArgs),
    /// Look observables up (IPs, domains, URLs, hashes; defanged is fine).
    Lookup(LookupArgs),
}

/// Arguments of `huntkit ti providers`.
#[derive(Debug, clap::Args)]
pub struct ProvidersArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    format: OutputFormat,
}

/// Arguments of `huntkit ti lookup`.
#[derive(Debug, clap::Args)]
pub struct LookupArgs {
    /// Observables to look up.
    iocs: Vec<String>,
    /// Read observables from this file, one a line (`-` for stdin; `#` starts a comment).
    #[arg(long)]
    file: Option<PathBuf>,
    /// Providers to ask, comma-separated (see `huntkit ti providers`);
    /// default: the threat-intelligence providers configured in the file, and tor.
    #[arg(long, value_delimiter = ',')]
    provider: Vec<String>,
    /// The type of every observable (ipv4, dns, url, md5_hash, …); default: told from each value.
    #[arg(long = "type")]
    ioc_type: Option<String>,
    /// msticpyconfig.yaml with the keys (default: $MSTICPYCONFIG, else ./msticpyconfig.yaml when present).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Seconds before one HTTP call is given up.
    #[arg(long, default_value_t = 30)]
    timeout: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    format: OutputFormat,
}

/// Runs a `ti` subcommand.
pub fn run(cmd: TiCommand) -> Result<()> {
    match cmd {
        TiCommand::Providers(args) => output::write(&providers_frame(), args.format),
        TiCommand::Lookup(args) => lookup(args),
    }
}

fn providers_frame() -> Frame {
    let defs = registry();
    let col = |f: &dyn Fn(&ProviderDef) -> String| {
        FrameColumn::Utf8(defs.iter().map(|d| Some(f(d))).collect())
    };
    Frame::new(vec![
        ("Provider", col(&|d| d.name.to_string())),
        ("ConfigName", col(&|d| d.config_name.to_string())),
        (
            "Kind",
            col(&|d| {
                match d.kind {
                    ProviderKind::Ti => "ti",
                    ProviderKind::Context => "context",
                    ProviderKind::Siem => "siem",
                    ProviderKind::Auth => "auth",
                }
                .to_string()
            }),
        ),
        (
            "Auth",
            col(&|d| match &d.auth {
                Auth::None => "none".to_string(),
                Auth::Header { header, config_key } => {
                    format!("header {header} ← Args.{config_key}")
                }
                Auth::Query { param, config_key } => format!("query {param} ← Args.{config_key}"),
                Auth::Basic {
                    user_key,
                    password_key,
                } => format!("basic Args.{user_key}:Args.{password_key}"),
                Auth::Bearer { scope } => format!("bearer {scope}"),
                Auth::BasicOrToken {
                    user_key,
                    password_key,
                    token_key,
                } => format!("token Args.{token_key} or basic Args.{user_key}:Args.{password_key}"),
            }),
        ),
        (
            "Operations",
            col(&|d| {
                d.operations
                    .iter()
                    .map(|o| o.name)
                    .collect::<Vec<_>>()
                    .join(",")
            }),
        ),
        (
            "RateLimit",
            col(&|d| {
                d.rate_limit.map_or(String::new(), |r| {
                    format!("{}/{}s", r.requests, r.per_seconds)
                })
            }),
        ),
        (
            "BaseUrl",
            col(&|d| match &d.base_url {
                BaseUrl::Fixed(u) => u.to_string(),
                BaseUrl::FromConfig(k) => format!("from Args.{k}"),
                BaseUrl::Listed(l) => format!("one of {} listed servers", l.len()),
            }),
        ),
    ])
}

/// The configuration file to read, if any.
pub(crate) fn config_path(given: Option<PathBuf>) -> Option<PathBuf> {
    given
        .or_else(|| std::env::var_os("MSTICPYCONFIG").map(PathBuf::from))
        .or_else(|| {
            let local = PathBuf::from("msticpyconfig.yaml");
            local.exists().then_some(local)
        })
}

fn read_observables(args: &LookupArgs) -> Result<Vec<String>> {
    let mut out: Vec<String> = args.iocs.clone();
    if let Some(path) = &args.file {
        let reader: Box<dyn BufRead> = if path.as_os_str() == "-" {
            Box::new(io::stdin().lock())
        } else {
            Box::new(io::BufReader::new(
                std::fs::File::open(path)
                    .with_context(|| format!("cannot read {}", path.display()))?,
            ))
        };
        for line in reader.lines() {
            let line = line?;
            let line = line.split('#').next().unwrap_or("").trim();
            if !line.is_empty() {
                out.push(line.to_string());
            }
        }
    }
    if out.is_empty() {
        bail!("no observables: give them as arguments or with --file");
    }
    Ok(out)
}

/// The providers to ask.
fn chosen_providers(names: &[String], config: &MsticpyConfig) -> Result<Vec<&'static TiProvider>> {
    if names.is_empty() {
        return Ok(providers()
            .iter()
            .filter(|p| {
                p.def.kind == ProviderKind::Ti
                    && (matches!(p.def.auth, Auth::None)
                        || config.provider(p.def.config_name).is_some())
            })
            .collect());
    }
    names
        .iter()
        .map(|n| {
            ti_provider(n).with_context(|| {
                let all: Vec<&str> = providers().iter().map(|p| p.name()).collect();
                format!(
                    "unknown provider {n:?}; the providers are {}",
                    all.join(", ")
                )
            })
        })
        .collect()
}

/// The secrets a provider's requests need, resolved from the configuration.
#[derive(Debug, Clone, Default)]
struct Credentials {
    key: Option<String>,
    user: Option<String>,
}

/// `Ok(None)` when the provider needs a key the file does not hold.
fn credentials(def: &ProviderDef, config: &MsticpyConfig) -> Result<Option<Credentials>> {
    let env = |name: &str| std::env::var(name).ok();
    let section = config.provider(def.config_name);
    let get = |key: &str| -> Result<Option<String>> {
        match section {
            Some(s) => Ok(s.secret(&config.file, key, env)?),
            None => Ok(None),
        }
    };
    Ok(match &def.auth {
        Auth::None => Some(Credentials::default()),
        Auth::Header { config_key, .. } | Auth::Query { config_key, .. } => {
            get(config_key)?.map(|key| Credentials {
                key: Some(key),
                user: None,
            })
        }
        Auth::Basic {
            user_key,
            password_key,
        } => match (get(user_key)?, get(password_key)?) {
            (Some(user), Some(key)) => Some(Credentials {
                key: Some(key),
                user: Some(user),
            }),
            _ => None,
        },
        _ => None,
    })
}

/// The HTTP side of a lookup session: one agent, a token bucket per
/// provider, the session cache of answers, the retry plan.
struct Session {
    agent: ureq::Agent,
    overrides: HashMap<String, String>,
    buckets: HashMap<&'static str, TokenBucket>,
    cache: ResultCache<HttpResponse>,
    retry: RetryPlan,
    start: Instant,
}

impl Session {
    fn new(timeout: Duration, overrides: HashMap<String, String>) -> Session {
        let mut config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            // A provider's answer is read where it is: a redirect could
            // lead a key to another host.
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_global(Some(timeout))
            .user_agent(concat!("huntkit/", env!("CARGO_PKG_VERSION")));
        if !overrides.is_empty() {
            // Fixture servers on loopback are never reached through a proxy.
            config = config.proxy(None);
        }
        Session {
            agent: config.build().into(),
            overrides,
            buckets: HashMap::new(),
            cache: ResultCache::default(),
            retry: RetryPlan::default(),
            start: Instant::now(),
        }
    }

    fn now(&self) -> u64 {
        self.start.elapsed().as_millis() as u64
    }

    /// The base URL for `request`: the loopback override, else the
    /// registry's (for listed bases, the request's choice if admitted).
    fn base(&self, def: &ProviderDef, request: &HttpRequest) -> Result<String, String> {
        if let Some(b) = self.overrides.get(def.name) {
            return Ok(b.clone());
        }
        match &def.base_url {
            BaseUrl::Fixed(b) => Ok(b.to_string()),
            BaseUrl::Listed(_) => match &request.base_url {
                Some(b) if def.base_url.admits(b) => Ok(b.clone()),
                other => Err(format!("base URL {other:?} is not one of {}'s", def.name)),
            },
            _ => Err(format!(
                "{} needs a base URL from its configuration",
                def.name
            )),
        }
    }

    /// Performs `request` (paced, cached, 429s retried) and returns the answer.
    fn send(
        &mut self,
        def: &'static ProviderDef,
        creds: &Credentials,
        request: &HttpRequest,
    ) -> Result<HttpResponse, String> {
        let op = def
            .operation(&request.operation)
            .ok_or_else(|| format!("{} has no operation {:?}", def.name, request.operation))?;
        let allowed = Regex::new(op.path_pattern).map_err(|e| e.to_string())?;
        if op.method != request.method || !allowed.is_match(&request.path) {
            return Err(format!("{} refuses path {:?}", def.name, request.path));
        }
        let base = self.base(def, request)?;
        let subject = format!(
            "{base}{}?{}",
            request.path,
            request
                .query
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("&")
        );
        if let Some(hit) = self
            .cache
            .get(def.name, &request.operation, &subject, self.now())
        {
            return Ok(hit);
        }
        let mut attempt = 1;
        loop {
            if let Some(limit) = def.rate_limit {
                let now = self.now();
                let bucket = self
                    .buckets
                    .entry(def.name)
                    .or_insert_with(|| TokenBucket::new(limit, now));
                while let Err(wait) = bucket.take(self.start.elapsed().as_millis() as u64) {
                    std::thread::sleep(Duration::from_millis(wait));
                }
            }
            let response = self.call(def, creds, &base, request)?;
            let unix_ms = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as i64);
            match self.retry.decide(attempt, &response, unix_ms) {
                RetryDecision::RetryAfter(ms) => {
                    std::thread::sleep(Duration::from_millis(ms));
                    attempt += 1;
                }
                RetryDecision::Done => {
                    if (200..300).contains(&response.status) || response.status == 404 {
                        self.cache.insert(
                            def.name,
                            &request.operation,
                            &subject,
                            response.clone(),
                            self.now(),
                        );
                    }
                    return Ok(response);
                }
            }
        }
    }

    /// One HTTP call with the provider's credentials added.
    fn call(
        &self,
        def: &ProviderDef,
        creds: &Credentials,
        base: &str,
        request: &HttpRequest,
    ) -> Result<HttpResponse, String> {
        let url = format!("{base}{}", request.path);
        let mut query = request.query.clone();
        let mut headers = request.headers.clone();
        match (&def.auth, &creds.key) {
            (Auth::Header { header, .. }, Some(key)) => {
                headers.push((header.to_string(), key.clone()))
            }
            (Auth::Query { param, .. }, Some(key)) => query.push((param.to_string(), key.clone())),
            (Auth::Basic { .. }, Some(key)) => {
                let user = creds.user.clone().unwrap_or_default();
                let token =
                    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{key}"));
                headers.push(("authorization".into(), format!("Basic {token}")));
            }
            _ => {}
        }
        // The URL may carry a key (IPStack): messages name the provider only.
        http::send(
            &self.agent,
            request.method,
            &url,
            &query,
            &headers,
            request.body.as_deref(),
            32 << 20,
        )
        .map_err(|e| match e {
            SendError::Unreachable(e) => {
                format!("{} could not be reached: {}", def.name, redact(&e, creds))
            }
            SendError::Unreadable(e) => {
                format!(
                    "{} answer could not be read: {}",
                    def.name,
                    redact(&e, creds)
                )
            }
        })
    }
}

/// `text` with any secret replaced, for error messages.
fn redact(text: &str, creds: &Credentials) -> String {
    let mut out = text.to_string();
    for secret in [&creds.key, &creds.user].into_iter().flatten() {
        if !secret.is_empty() {
            out = out.replace(secret.as_str(), "***");
        }
    }
    out
}

fn lookup(args: LookupArgs) -> Result<()> {
    let observables = read_observables(&args)?;
    let declared = args
        .ioc_type
        .as_deref()
        .map(str::parse::<IocType>)
        .transpose()?;
    let config = match config_path(args.config.clone()) {
        Some(path) => {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            read_msticpy_config(&path.display().to_string(), &text)?
        }
        None => MsticpyConfig::default(),
    };
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
    let chosen = chosen_providers(&args.provider, &config)?;
    if chosen.is_empty() {
        bail!("no provider to ask: name them with --provider, or configure TIProviders in msticpyconfig.yaml");
    }
    let mut creds = Vec::new();
    for p in &chosen {
        creds.push(credentials(p.def, &config)?);
    }
    let mut session = Session::new(Duration::from_secs(args.timeout.max(1)), overrides);
    let mut rows: Vec<LookupResult> = Vec::new();
    for text in &observables {
        let checked = check_observable(text, declared);
        for (p, creds) in chosen.iter().zip(&creds) {
            let obs = match &checked {
                Ok(obs) => obs,
                Err(rejected) => {
                    rows.push(LookupResult::rejected(rejected, p.name()));
                    continue;
                }
            };
            let requests = match p.plan(obs) {
                Ok(r) => r,
                Err(row) => {
                    rows.push(*row);
                    continue;
                }
            };
            let Some(creds) = creds else {
                rows.push(LookupResult::failed(
                    obs,
                    p.name(),
                    requests.first().map_or("", |r| r.operation.as_str()),
                    LookupStatus::NotConfigured,
                    &format!(
                        "no key for {}: set TIProviders.{}.Args in msticpyconfig.yaml",
                        p.name(),
                        p.def.config_name
                    ),
                ));
                continue;
            };
            for request in &requests {
                rows.push(match session.send(p.def, creds, request) {
                    Ok(response) => p.parse(obs, request, &response),
                    Err(message) => LookupResult::failed(
                        obs,
                        p.name(),
                        &request.operation,
                        LookupStatus::Error,
                        &message,
                    ),
                });
            }
        }
    }
    output::write(&lookup_frame(&rows), args.format)
}
