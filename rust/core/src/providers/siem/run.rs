//! One template run against a SIEM provider, split by time when asked
//! (`split_by`) or when the provider says a chunk was over its limits.
//!
//! Sans-IO like the rest: the host asks [`QueryRun::next_request`] for a
//! request, performs it and hands the answer to [`QueryRun::submit`] (or a
//! transport failure to [`QueryRun::fail`]) until there is none left, then
//! [`QueryRun::finish`] returns the rows of every chunk in time order as
//! one typed table, and a report of every chunk: failed and partial
//! chunks are listed, never dropped.
//!
//! In [`RunMode::Jobs`] a chunk takes several requests (create the job,
//! poll it, read its pages, cancel a job it gives up on): each answer may
//! bring a follow-up, which `next_request` hands out with its own id and
//! the wait to honour first.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

use super::job::{JobFlow, JobState, Step, JOB_TIMEOUT_SECS, MAX_PAGE_ROWS, PAGE_ROWS};
use super::{
    invalid, siem_provider, Answer, ChunkStatus, QueryRequest, QueryTarget, ResultSet, SiemProvider,
};
use crate::error::Result;
use crate::providers::{HttpRequest, HttpResponse};
use crate::queries::{canonical_environment, format_time, render, Template, TimeSpan};
use crate::table::{Frame, FrameColumn, Table};

/// Most chunks one run may make (after automatic splits): a typo'd
/// `split_by` (`1s` over a month) must not send millions of queries.
pub const MAX_CHUNKS: usize = 1000;

/// Chunks shorter than this are not split again.
const MIN_SPLIT: Duration = Duration::seconds(2);

/// How a run splits its time range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct RunOptions {
    /// Split the range into chunks of this period (`1d`, `6H`, `30min`)
    /// and run the template once per chunk.
    pub split_by: Option<String>,
    /// When a chunk is over the provider's limits (rows, size, time),
    /// split it in two and run the halves, up to `max_splits` times.
    pub auto_split: bool,
    /// How many times one chunk may be halved.
    pub max_splits: u32,
    /// One request per chunk (`export`, every provider) or a search job
    /// per chunk (`jobs`, Splunk).
    pub mode: RunMode,
    /// Rows per results page in `jobs` mode (default 10,000, at most
    /// 50,000: Splunk's `maxresultrows`).
    pub page_size: Option<u32>,
    /// Seconds a search job may run (its polls' waits summed) before the
    /// chunk is `timeout` (default 600).
    pub job_timeout_secs: Option<u64>,
}

impl Default for RunOptions {
    fn default() -> RunOptions {
        RunOptions {
            split_by: None,
            auto_split: true,
            max_splits: 4,
            mode: RunMode::Export,
            page_size: None,
            job_timeout_secs: None,
        }
    }
}

/// How a chunk's query is sent.
///
/// `export` is the default: one request whose answer streams every row,
/// no job left on the server and no polling; it is what every provider
/// does. `jobs` (Splunk) suits long searches, which a proxy or the HTTP
/// timeout would cut while an export streams: the job runs on the server,
/// is polled with backoff, and its rows are read in bounded pages.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RunMode {
    /// One request per chunk.
    #[default]
    Export,
    /// A search job per chunk: create, poll, read pages.
    Jobs,
}

impl RunMode {
    /// Every mode, in the order messages list them.
    pub const ALL: [RunMode; 2] = [RunMode::Export, RunMode::Jobs];

    /// The name written in options and msticpyconfig (`export`, `jobs`).
    pub fn name(self) -> &'static str {
        match self {
            RunMode::Export => "export",
            RunMode::Jobs => "jobs",
        }
    }
}

/// Most seconds a search job may be given.
pub const MAX_JOB_TIMEOUT_SECS: u64 = 86_400;

fn check_page_size(n: u32) -> std::result::Result<(), String> {
    if n == 0 || n > MAX_PAGE_ROWS {
        return Err(format!(
            "page size {n} is not between 1 and {MAX_PAGE_ROWS}"
        ));
    }
    Ok(())
}

fn check_job_timeout(n: u64) -> std::result::Result<(), String> {
    if n == 0 || n > MAX_JOB_TIMEOUT_SECS {
        return Err(format!(
            "job timeout {n} s is not between 1 and {MAX_JOB_TIMEOUT_SECS}"
        ));
    }
    Ok(())
}

/// How a provider's runs go by default, from its msticpyconfig section
/// (`DataProviders.Splunk.Args.{mode, page_size, job_timeout}`); a host's
/// own option (`--mode`) wins over each.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RunDefaults {
    /// `mode`.
    pub mode: Option<RunMode>,
    /// `page_size`: rows per results page in `jobs` mode.
    pub page_size: Option<u32>,
    /// `job_timeout`: seconds a search job may run.
    pub job_timeout_secs: Option<u64>,
}

impl RunDefaults {
    /// The `Args` keys read, in the order they are checked.
    pub const KEYS: [&'static str; 3] = ["mode", "page_size", "job_timeout"];

    /// Reads one setting `key` (one of [`RunDefaults::KEYS`]) for
    /// `provider`; the error says what is wrong without repeating the
    /// value (it comes from a file that holds secrets).
    pub fn set(
        &mut self,
        provider: &SiemProvider,
        key: &str,
        value: &str,
    ) -> std::result::Result<(), String> {
        let value = value.trim();
        let number = |what: &str| format!("is not a whole number of {what}");
        match key {
            "mode" => {
                let names: Vec<&str> = RunMode::ALL.iter().map(|m| m.name()).collect();
                let mode = RunMode::ALL
                    .into_iter()
                    .find(|m| m.name().eq_ignore_ascii_case(value))
                    .ok_or_else(|| format!("is not a run mode: use one of {}", names.join(", ")))?;
                if mode == RunMode::Jobs && provider.jobs.is_none() {
                    return Err(format!(
                        "is jobs, but {} has no search jobs: use export",
                        provider.name()
                    ));
                }
                self.mode = Some(mode);
            }
            "page_size" => {
                let n = value.parse().map_err(|_| number("rows"))?;
                check_page_size(n)?;
                self.page_size = Some(n);
            }
            "job_timeout" => {
                let n = value.parse().map_err(|_| number("seconds"))?;
                check_job_timeout(n)?;
                self.job_timeout_secs = Some(n);
            }
            other => return Err(format!("{other} is not a run setting")),
        }
        Ok(())
    }
}

/// A request to send: submit its answer under `id`, after waiting
/// `wait_ms` (a job's poll interval; 0 for most).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Planned {
    /// What to pass to `submit` / `fail` with the answer.
    pub id: usize,
    /// The request.
    pub request: HttpRequest,
    /// Milliseconds to wait before sending it.
    pub wait_ms: u64,
}

/// What happened to one chunk.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChunkReport {
    /// Chunk number in time order, from 1.
    pub chunk: usize,
    /// First instant (ISO 8601), when the run has a range.
    pub start: Option<String>,
    /// Last instant, included.
    pub end: Option<String>,
    /// How it went.
    pub status: ChunkStatus,
    /// Rows it added to the result.
    pub rows: usize,
    /// The provider's messages and what to do.
    pub messages: Vec<String>,
}

/// A finished run.
#[derive(Debug, Clone)]
pub struct QueryOutcome {
    /// Every chunk's rows, in time order, typed.
    pub table: Table,
    /// Every chunk.
    pub chunks: Vec<ChunkReport>,
    /// `ok` when every chunk is; `partial` when some rows are missing;
    /// else the first failure's status.
    pub status: ChunkStatus,
    /// Notes on the table (cells not of their column's type).
    pub notes: Vec<String>,
}

#[derive(Debug, Clone)]
enum State {
    /// Its first request is to be planned.
    Pending,
    /// Request `id` is out; its answer is awaited.
    Sent(usize),
    /// A job's follow-up is ready to hand out.
    Waiting {
        request: HttpRequest,
        wait_ms: u64,
    },
    Done(Answer),
}

#[derive(Debug, Clone)]
struct Chunk {
    id: usize,
    span: Option<TimeSpan>,
    depth: u32,
    query: String,
    state: State,
    /// The search job, in `jobs` mode.
    job: Option<JobState>,
    /// Ids of the requests sent for it, so a late answer is named.
    sent: Vec<usize>,
    /// Notes from the run itself (this chunk is half of one that was over
    /// a limit).
    notes: Vec<String>,
}

/// A template run in progress.
#[derive(Debug, Clone)]
pub struct QueryRun {
    provider: &'static SiemProvider,
    template: Template,
    params: Map<String, Json>,
    target: QueryTarget,
    now: DateTime<Utc>,
    options: RunOptions,
    chunks: Vec<Chunk>,
    next_id: usize,
}

impl QueryRun {
    /// Plans a run of `template` with `params` on `provider` over `span`
    /// (passed to the template as `start`/`end`, and beside the query for
    /// providers that take a range): every chunk is rendered now, so a bad
    /// parameter fails before anything is sent.
    pub fn new(
        provider: &str,
        template: &Template,
        params: &Map<String, Json>,
        span: Option<TimeSpan>,
        target: QueryTarget,
        options: RunOptions,
        now: DateTime<Utc>,
    ) -> Result<QueryRun> {
        let p = siem_provider(provider).ok_or_else(|| {
            let all: Vec<&str> = super::providers().iter().map(|p| p.name()).collect();
            invalid(
                "provider",
                format!(
                    "unknown query provider {provider:?}; the providers are {}",
                    all.join(", ")
                ),
            )
        })?;
        let envs: Vec<String> = template
            .environments
            .iter()
            .map(|e| canonical_environment(e))
            .collect();
        if !envs.is_empty() && !envs.iter().any(|e| e == p.environment) {
            return Err(invalid(
                "provider",
                format!(
                    "template {} is written for {}, not for {} ({})",
                    template.name,
                    envs.join(", "),
                    p.name(),
                    p.environment
                ),
            ));
        }
        let spans: Vec<Option<TimeSpan>> = match (span, options.split_by.as_deref()) {
            (Some(s), Some(period)) if !period.trim().is_empty() => {
                s.split_by(period.trim())?.into_iter().map(Some).collect()
            }
            (None, Some(period)) if !period.trim().is_empty() => {
                return Err(invalid(
                    "split_by",
                    format!("split_by {period:?} needs a time range: give a start and an end"),
                ))
            }
            (s, _) => vec![s],
        };
        if options.mode == RunMode::Jobs && p.jobs.is_none() {
            return Err(invalid(
                "mode",
                format!("{} has no search jobs: use mode export", p.name()),
            ));
        }
        if let Some(n) = options.page_size {
            check_page_size(n).map_err(|m| invalid("page_size", m))?;
        }
        if let Some(n) = options.job_timeout_secs {
            check_job_timeout(n).map_err(|m| invalid("job_timeout_secs", m))?;
        }
        if spans.len() > MAX_CHUNKS {
            return Err(invalid(
                "split_by",
                format!(
                    "splits the range into {} chunks, more than {MAX_CHUNKS}: use a longer period",
                    spans.len()
                ),
            ));
        }
        let mut run = QueryRun {
            provider: p,
            template: template.clone(),
            params: params.clone(),
            target,
            now,
            options,
            chunks: Vec::new(),
            next_id: 0,
        };
        run.check_range_reaches_query(spans.len() > 1)?;
        for s in spans {
            let chunk = run.chunk(s, 0)?;
            run.chunks.push(chunk);
        }
        Ok(run)
    }

    /// Splitting only works when each chunk's range reaches the query:
    /// through the template's `start`/`end`, or beside the query (Log
    /// Analytics' `timespan`, Splunk's earliest/latest).
    fn check_range_reaches_query(&self, split: bool) -> Result<()> {
        let beside = matches!(self.provider.name(), "loganalytics" | "splunk");
        if split && !beside && self.template.parameter("start").is_none() {
            return Err(invalid(
                "split_by",
                format!(
                    "template {} takes no start/end parameters, so {} cannot run it per time chunk",
                    self.template.name,
                    self.provider.name()
                ),
            ));
        }
        Ok(())
    }

    fn chunk(&mut self, span: Option<TimeSpan>, depth: u32) -> Result<Chunk> {
        let mut params = self.params.clone();
        if let Some(s) = span {
            if self.template.parameter("start").is_some() {
                params.insert("start".into(), Json::from(format_time(s.start)));
            }
            if self.template.parameter("end").is_some() {
                params.insert("end".into(), Json::from(format_time(s.end)));
            }
        }
        let rendered = render(&self.template, &params, self.now)?;
        self.next_id += 1;
        Ok(Chunk {
            id: self.next_id,
            span,
            depth,
            query: rendered.query,
            state: State::Pending,
            job: None,
            sent: Vec::new(),
            notes: Vec::new(),
        })
    }

    /// The provider this run calls.
    pub fn provider(&self) -> &'static SiemProvider {
        self.provider
    }

    /// The rendered query of each chunk, in time order.
    pub fn queries(&self) -> Vec<&str> {
        self.chunks.iter().map(|c| c.query.as_str()).collect()
    }

    /// How many chunks there are now (automatic splits add some).
    pub fn chunk_count(&self) -> usize {
        self.chunks.len()
    }

    /// The next request to send, with the id to submit its answer under
    /// and the wait to honour first; `None` when nothing is left to send
    /// (every chunk answered, or awaiting an answer).
    pub fn next_request(&mut self) -> Result<Option<Planned>> {
        let Some(at) = self
            .chunks
            .iter()
            .position(|c| matches!(c.state, State::Pending | State::Waiting { .. }))
        else {
            return Ok(None);
        };
        let jobs = self.job_flow();
        let page = self.options.page_size.unwrap_or(PAGE_ROWS);
        let timeout_ms = self.options.job_timeout_secs.unwrap_or(JOB_TIMEOUT_SECS) * 1000;
        let c = &mut self.chunks[at];
        let (id, request, wait_ms) = match std::mem::replace(&mut c.state, State::Pending) {
            State::Waiting { request, wait_ms } => {
                self.next_id += 1;
                (self.next_id, request, wait_ms)
            }
            _ => {
                let q = QueryRequest {
                    query: &c.query,
                    span: c.span,
                    target: &self.target,
                };
                let request = match jobs {
                    Some(flow) => {
                        c.job = Some(JobState::new(page, timeout_ms));
                        (flow.create)(&q)?
                    }
                    None => (self.provider.plan)(&q)?,
                };
                // The first request of a chunk has the chunk's id.
                (c.id, request, 0)
            }
        };
        c.state = State::Sent(id);
        c.sent.push(id);
        Ok(Some(Planned {
            id,
            request,
            wait_ms,
        }))
    }

    /// The chunk awaiting request `id`'s answer, or a clear error when
    /// none does (answered already, another step's id, never sent).
    fn awaiting(&self, id: usize) -> Result<usize> {
        if let Some(at) = self
            .chunks
            .iter()
            .position(|c| matches!(c.state, State::Sent(s) if s == id))
        {
            return Ok(at);
        }
        let why = match self.chunks.iter().position(|c| c.sent.contains(&id)) {
            Some(at) => match self.chunks[at].state {
                State::Sent(now) => format!(
                    "request {id} of chunk {} was answered already; it awaits request {now}",
                    at + 1
                ),
                _ => format!("request {id} of chunk {} was answered already", at + 1),
            },
            None => format!("no request {id} was sent in this run"),
        };
        Err(invalid("request", why))
    }

    /// Reads the answer to request `id`. A chunk over the provider's limits
    /// is split in two (when allowed) and its halves queued; a search job
    /// not finished yet queues its follow-up.
    pub fn submit(&mut self, id: usize, response: &HttpResponse) -> Result<()> {
        let at = self.awaiting(id)?;
        let step = match (self.job_flow(), self.chunks[at].job.as_mut()) {
            (Some(flow), Some(job)) => (flow.step)(job, response),
            _ => Step::Done((self.provider.parse)(response)),
        };
        self.take_step(at, step)
    }

    /// Records that request `id` could not be performed (unreachable,
    /// refused by the host, no credentials). A search job created already
    /// is cancelled first (one more request), so it does not run on.
    pub fn fail(&mut self, id: usize, status: ChunkStatus, message: &str) -> Result<()> {
        let at = self.awaiting(id)?;
        let failure = Answer {
            status,
            rows: ResultSet::default(),
            messages: vec![message.to_string()],
        };
        let step = match (self.job_flow(), self.chunks[at].job.as_mut()) {
            (Some(flow), Some(job)) => (flow.fail)(job, failure),
            _ => Step::Done(failure),
        };
        self.take_step(at, step)
    }

    /// The provider's search-job protocol, when this run uses it.
    fn job_flow(&self) -> Option<&'static JobFlow> {
        match self.options.mode {
            RunMode::Jobs => self.provider.jobs,
            RunMode::Export => None,
        }
    }

    /// Queues a job's follow-up for chunk `at`, or records its answer.
    fn take_step(&mut self, at: usize, step: Step) -> Result<()> {
        match step {
            Step::Next { request, wait_ms } => {
                self.chunks[at].state = State::Waiting { request, wait_ms };
                Ok(())
            }
            Step::Done(answer) => {
                let chunk = self.chunks[at].id;
                self.record(chunk, answer)
            }
        }
    }

    fn record(&mut self, id: usize, mut answer: Answer) -> Result<()> {
        let Some(at) = self.chunks.iter().position(|c| c.id == id) else {
            return Err(invalid("chunk", format!("no chunk {id} in this run")));
        };
        let over = matches!(
            answer.status,
            ChunkStatus::LimitExceeded | ChunkStatus::Timeout
        );
        let c = &self.chunks[at];
        if over {
            let halves = c.span.and_then(|s| {
                let len = s.end.signed_duration_since(s.start);
                (self.options.auto_split
                    && c.depth < self.options.max_splits
                    && len >= MIN_SPLIT
                    && self.chunks.len() < MAX_CHUNKS)
                    .then(|| {
                        let mid = s.start + len / 2;
                        (
                            TimeSpan {
                                start: s.start,
                                end: mid - Duration::nanoseconds(1),
                            },
                            TimeSpan {
                                start: mid,
                                end: s.end,
                            },
                        )
                    })
            });
            let can_split = self.template.parameter("start").is_some()
                || matches!(self.provider.name(), "loganalytics" | "splunk");
            if let (Some((a, b)), true) = (halves, can_split) {
                let depth = c.depth + 1;
                let why = format!(
                    "split from {} .. {} ({})",
                    c.span.map_or(String::new(), |s| format_time(s.start)),
                    c.span.map_or(String::new(), |s| format_time(s.end)),
                    answer.status.name()
                );
                let mut first = self.chunk(Some(a), depth)?;
                let mut second = self.chunk(Some(b), depth)?;
                first.notes.push(why.clone());
                second.notes.push(why);
                self.chunks.splice(at..=at, [first, second]);
                return Ok(());
            }
            answer.messages.push(if answer.status == ChunkStatus::Timeout {
                "the query ran out of time: run it over shorter chunks (split_by)".to_string()
            } else {
                "the result is over the provider's limit: run it over shorter chunks (split_by) or add filters".to_string()
            });
        }
        self.chunks[at].state = State::Done(answer);
        Ok(())
    }

    /// The rows of every chunk in time order, and the report. Chunks never
    /// answered are reported as `error`.
    pub fn finish(self) -> Result<QueryOutcome> {
        let mut rows = ResultSet::default();
        let mut reports = Vec::with_capacity(self.chunks.len());
        for (i, c) in self.chunks.into_iter().enumerate() {
            let (status, set, mut messages) = match c.state {
                State::Done(a) => (a.status, a.rows, a.messages),
                _ => (
                    ChunkStatus::Error,
                    ResultSet::default(),
                    vec!["no answer was received for this chunk".to_string()],
                ),
            };
            messages.extend(c.notes);
            let n = set.rows.len();
            rows.append(set);
            reports.push(ChunkReport {
                chunk: i + 1,
                start: c.span.map(|s| format_time(s.start)),
                end: c.span.map(|s| format_time(s.end)),
                status,
                rows: n,
                messages,
            });
        }
        let status = if reports.iter().all(|r| r.status == ChunkStatus::Ok) {
            ChunkStatus::Ok
        } else if reports.iter().any(|r| r.rows > 0 || r.status.has_rows()) {
            ChunkStatus::Partial
        } else {
            reports
                .iter()
                .find(|r| r.status != ChunkStatus::Ok)
                .map_or(ChunkStatus::Error, |r| r.status)
        };
        let (table, notes) = rows.to_table()?;
        Ok(QueryOutcome {
            table,
            chunks: reports,
            status,
            notes,
        })
    }
}

/// The time range a template's own `start`/`end` give (its defaults, or
/// the values in `params`), so a run from a form or the CLI without an
/// explicit range still splits and still sends Log Analytics' `timespan`;
/// `None` when the template takes no times.
pub fn template_span(
    template: &Template,
    params: &Map<String, Json>,
    now: DateTime<Utc>,
) -> Result<Option<TimeSpan>> {
    if template.parameter("start").is_none() || template.parameter("end").is_none() {
        return Ok(None);
    }
    let rendered = render(template, params, now)?;
    let get = |k: &str| rendered.parameters.get(k).and_then(Json::as_str);
    match (get("start"), get("end")) {
        (Some(s), Some(e)) => Ok(Some(TimeSpan::new(Some(s), Some(e), None, now)?)),
        _ => Ok(None),
    }
}

impl QueryOutcome {
    /// The table as an Arrow IPC stream (what the views read), types kept.
    /// A run whose every chunk failed has no columns: its stream is a
    /// schema with no fields and no batch, so the chunk report still comes
    /// back with it.
    pub fn arrow_ipc(&self) -> Result<Vec<u8>> {
        let out = |e: arrow_schema::ArrowError| {
            crate::error::Error::new(crate::error::ErrorKind::Output(e.to_string()))
        };
        if self.table.names().is_empty() {
            let mut buf = Vec::new();
            let mut w =
                arrow_ipc::writer::StreamWriter::try_new(&mut buf, &arrow_schema::Schema::empty())
                    .map_err(out)?;
            w.finish().map_err(out)?;
            drop(w);
            return Ok(buf);
        }
        let batch = self.table.to_record_batch()?;
        let mut buf = Vec::with_capacity(batch.get_array_memory_size() + (1 << 16));
        {
            let mut w =
                arrow_ipc::writer::StreamWriter::try_new(&mut buf, &batch.schema()).map_err(out)?;
            w.write(&batch).map_err(out)?;
            w.finish().map_err(out)?;
        }
        Ok(buf)
    }
}

/// The chunk report as a table (`Chunk, Start, End, Status, Rows,
/// Message`), for hosts to show beside the result.
pub fn chunks_frame(chunks: &[ChunkReport]) -> Frame {
    Frame::new(vec![
        (
            "Chunk",
            FrameColumn::Int64(chunks.iter().map(|c| Some(c.chunk as i64)).collect()),
        ),
        (
            "Start",
            FrameColumn::Utf8(chunks.iter().map(|c| c.start.clone()).collect()),
        ),
        (
            "End",
            FrameColumn::Utf8(chunks.iter().map(|c| c.end.clone()).collect()),
        ),
        (
            "Status",
            FrameColumn::Utf8(
                chunks
                    .iter()
                    .map(|c| Some(c.status.name().to_string()))
                    .collect(),
            ),
        ),
        (
            "Rows",
            FrameColumn::Int64(chunks.iter().map(|c| Some(c.rows as i64)).collect()),
        ),
        (
            "Message",
            FrameColumn::Utf8(chunks.iter().map(|c| Some(c.messages.join("; "))).collect()),
        ),
    ])
}
