//! One template run against a SIEM provider, split by time when asked
//! (`split_by`) or when the provider says a chunk was over its limits.
//!
//! Sans-IO like the rest: the host asks [`QueryRun::next_request`] for a
//! request, performs it and hands the answer to [`QueryRun::submit`] (or a
//! transport failure to [`QueryRun::fail`]) until there is none left, then
//! [`QueryRun::finish`] returns the rows of every chunk in time order as
//! one typed table, and a report of every chunk: failed and partial
//! chunks are listed, never dropped.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

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
}

impl Default for RunOptions {
    fn default() -> RunOptions {
        RunOptions {
            split_by: None,
            auto_split: true,
            max_splits: 4,
        }
    }
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
    Pending,
    Sent,
    Done(Answer),
}

#[derive(Debug, Clone)]
struct Chunk {
    id: usize,
    span: Option<TimeSpan>,
    depth: u32,
    query: String,
    state: State,
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

    /// The next request to send, with the id to submit its answer under;
    /// `None` when every chunk has been sent.
    pub fn next_request(&mut self) -> Result<Option<(usize, HttpRequest)>> {
        let Some(c) = self
            .chunks
            .iter_mut()
            .find(|c| matches!(c.state, State::Pending))
        else {
            return Ok(None);
        };
        let request = (self.provider.plan)(&QueryRequest {
            query: &c.query,
            span: c.span,
            target: &self.target,
        })?;
        c.state = State::Sent;
        Ok(Some((c.id, request)))
    }

    /// Reads the answer to request `id`. A chunk over the provider's limits
    /// is split in two (when allowed) and its halves queued.
    pub fn submit(&mut self, id: usize, response: &HttpResponse) -> Result<()> {
        let answer = (self.provider.parse)(response);
        self.record(id, answer)
    }

    /// Records that request `id` could not be performed (unreachable,
    /// refused by the host, no credentials).
    pub fn fail(&mut self, id: usize, status: ChunkStatus, message: &str) -> Result<()> {
        self.record(
            id,
            Answer {
                status,
                rows: ResultSet::default(),
                messages: vec![message.to_string()],
            },
        )
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
