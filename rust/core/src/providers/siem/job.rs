//! Search jobs, sans-IO: a provider whose query runs as a server-side job
//! (Splunk's `/services/search/jobs`) answers a chunk in several steps:
//! create the job, poll its status (waiting between polls, backing off),
//! then read its results page by page. [`JobState`] is what the run keeps
//! between those steps; [`Step`] is what a provider made of one answer.
//!
//! The run has no clock: the time a job has taken is the sum of the waits
//! it asked the host for, which hosts honour before sending the poll.

use super::{Answer, ChunkStatus, QueryRequest, ResultSet};
use crate::error::Result;
use crate::providers::{HttpRequest, HttpResponse};

/// First wait before a status poll (ms).
pub const FIRST_POLL_MS: u64 = 500;
/// Longest wait between two polls (ms): polls back off from 0.5 s to 5 s.
pub const MAX_POLL_MS: u64 = 5_000;
/// Rows per results page by default.
pub const PAGE_ROWS: u32 = 10_000;
/// Most rows per page (Splunk's default `maxresultrows`).
pub const MAX_PAGE_ROWS: u32 = 50_000;
/// Most result pages one chunk reads (10 million rows at the default
/// size); past it the chunk is `partial`, never an endless loop.
pub const MAX_PAGES: u32 = 1_000;
/// Seconds a job may take (polls' waits summed) by default.
pub const JOB_TIMEOUT_SECS: u64 = 600;

/// The wait before poll number `polls` (0 for the first): ×1.5 a poll,
/// capped, so a short search answers fast and a long one is not hammered.
pub fn poll_wait_ms(polls: u32) -> u64 {
    let mut ms = FIRST_POLL_MS as f64;
    for _ in 0..polls.min(16) {
        ms *= 1.5;
    }
    (ms as u64).min(MAX_POLL_MS)
}

/// Where a job is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// The create request was sent.
    Create,
    /// The status poll was sent.
    Status,
    /// The results page at `offset` was sent.
    Results,
    /// The run gave up on the job (timeout, page cap, a failed poll or
    /// page) and asked the server to cancel it; the chunk's answer is
    /// kept in [`JobState::outcome`] until the cancel is answered.
    Cancel,
}

/// One chunk's job between steps.
#[derive(Debug, Clone)]
pub struct JobState {
    /// What was last sent.
    pub phase: Phase,
    /// The job's id, once created.
    pub sid: String,
    /// Status polls sent so far.
    pub polls: u32,
    /// Time waited so far (ms), the job's clock.
    pub waited_ms: u64,
    /// How long it may take (ms).
    pub timeout_ms: u64,
    /// Rows the job says it has.
    pub total: u64,
    /// Rows read so far (the next page's offset).
    pub offset: u64,
    /// Pages read.
    pub pages: u32,
    /// Rows per page.
    pub page_size: u32,
    /// Rows of the pages read, typed as the one-request path types them.
    pub rows: ResultSet,
    /// Messages of the job and its pages.
    pub messages: Vec<String>,
    /// Whether some page or the job reported an error.
    pub errors: bool,
    /// The chunk's answer while the cancel is out: the cancel only adds a
    /// message, it never changes the outcome.
    pub outcome: Option<Answer>,
}

impl JobState {
    /// A job about to be created.
    pub fn new(page_size: u32, timeout_ms: u64) -> JobState {
        JobState {
            phase: Phase::Create,
            sid: String::new(),
            polls: 0,
            waited_ms: 0,
            timeout_ms,
            total: 0,
            offset: 0,
            pages: 0,
            page_size,
            rows: ResultSet::default(),
            messages: Vec::new(),
            errors: false,
            outcome: None,
        }
    }

    /// The chunk's answer from what was read, with `status` unless some
    /// page had errors (then `partial` when rows came, else `status`).
    pub fn done(&mut self, status: ChunkStatus) -> Step {
        Step::Done(self.answer(status))
    }

    /// What [`JobState::done`] answers, as an [`Answer`].
    pub fn answer(&mut self, status: ChunkStatus) -> Answer {
        let rows = std::mem::take(&mut self.rows);
        let status = if status == ChunkStatus::Ok && self.errors {
            ChunkStatus::Partial
        } else {
            status
        };
        Answer {
            status,
            rows,
            messages: std::mem::take(&mut self.messages),
        }
    }
}

/// What a provider made of one answer of a job.
#[derive(Debug, Clone)]
pub enum Step {
    /// The chunk is answered.
    Done(Answer),
    /// Not finished: send `request` after waiting `wait_ms`.
    Next {
        /// The follow-up request.
        request: HttpRequest,
        /// How long to wait before sending it (ms).
        wait_ms: u64,
    },
}

/// A provider's search-job protocol.
#[derive(Debug, Clone, Copy)]
pub struct JobFlow {
    /// The request creating the job for one rendered query.
    pub create: fn(&QueryRequest) -> Result<HttpRequest>,
    /// Reads the answer to the request `job.phase` says was sent.
    pub step: fn(&mut JobState, &HttpResponse) -> Step,
    /// The request `job.phase` says was sent could not be performed: the
    /// chunk's answer is `failure`, after a cancel of the job when one was
    /// created (or `failure`'s message added to the kept outcome when the
    /// cancel itself failed).
    pub fail: fn(&mut JobState, Answer) -> Step,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polls_back_off_to_five_seconds() {
        let waits: Vec<u64> = (0..8).map(poll_wait_ms).collect();
        assert_eq!(waits, [500, 750, 1125, 1687, 2531, 3796, 5000, 5000]);
        assert_eq!(poll_wait_ms(u32::MAX), MAX_POLL_MS);
    }
}
