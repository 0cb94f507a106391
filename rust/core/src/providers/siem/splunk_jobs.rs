//! Splunk search jobs (`mode: jobs`), as MSTICPy's Splunk driver runs a
//! query: `POST /services/search/jobs` (the export form plus
//! `exec_mode=normal`) answers `201 {"sid"}`; `GET
//! /services/search/jobs/{sid}?output_mode=json` is polled until
//! `entry[0].content.isDone` (or `dispatchState` `FAILED` / `isFailed`,
//! whose `messages` say why); then `GET …/{sid}/results?output_mode=json&
//! count=N&offset=M` pages through `resultCount` rows, each page read by
//! the export path's parser so rows are typed the same way.
//!
//! A job whose results were all read is left to expire on the server
//! (Splunk's TTL, ten minutes after it finishes): no extra call. A job the
//! run gives up on (timeout, page cap, a failed poll or page) may still be
//! running, so it is cancelled: `POST …/{sid}/control` with
//! `action=cancel`, one more step whose answer only adds a message, never
//! changes the chunk's outcome. A `FAILED` job is not running: no cancel.

use serde_json::Value as Json;

use super::job::{poll_wait_ms, JobFlow, JobState, Phase, Step, MAX_PAGES};
use super::splunk::{parse, post_form, search_form, SPLUNK};
use super::{http_failure, json_body, Answer, ChunkStatus, QueryRequest};
use crate::error::Result;
use crate::providers::{HttpRequest, HttpResponse, Method};

pub(super) const FLOW: JobFlow = JobFlow { create, step, fail };

fn create(q: &QueryRequest) -> Result<HttpRequest> {
    let mut pairs = search_form(q);
    pairs.push(("exec_mode", "normal".into()));
    Ok(post_form("job_create", "/services/search/jobs", &pairs))
}

/// Whether `sid` is a Splunk search id that is safe as one path segment:
/// dot-separated runs of letters, digits, `_` and `-` (what the registry's
/// path patterns allow), so no `/`, `..`, `?` or `%`.
pub(crate) fn valid_sid(sid: &str) -> bool {
    let parts: Vec<&str> = sid.split('.').collect();
    parts.len() <= 9
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 200
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        })
}

fn get(operation: &str, path: String, query: Vec<(String, String)>) -> HttpRequest {
    HttpRequest {
        provider: SPLUNK.name.into(),
        operation: operation.into(),
        method: Method::Get,
        base_url: None,
        path,
        query,
        headers: vec![("accept".into(), "application/json".into())],
        body: None,
    }
}

fn status_request(sid: &str) -> HttpRequest {
    get(
        "job_status",
        format!("/services/search/jobs/{sid}"),
        vec![("output_mode".into(), "json".into())],
    )
}

fn results_request(job: &JobState) -> HttpRequest {
    get(
        "job_results",
        format!("/services/search/jobs/{}/results", job.sid),
        vec![
            ("output_mode".into(), "json".into()),
            ("count".into(), job.page_size.to_string()),
            ("offset".into(), job.offset.to_string()),
        ],
    )
}

fn cancel_request(sid: &str) -> HttpRequest {
    post_form(
        "job_control",
        &format!("/services/search/jobs/{sid}/control"),
        &[("action", "cancel".into())],
    )
}

fn bad_answer(message: String) -> Answer {
    Answer::failed(
        ChunkStatus::BadResponse,
        format!("bad response from splunk: {message}"),
    )
}

fn bad(message: String) -> Step {
    Step::Done(bad_answer(message))
}

/// The chunk ends with `answer`; a created job is cancelled first, so it
/// does not keep running on the server until its TTL.
fn give_up(job: &mut JobState, answer: Answer) -> Step {
    if job.sid.is_empty() || job.phase == Phase::Cancel {
        return Step::Done(answer);
    }
    job.outcome = Some(answer);
    job.phase = Phase::Cancel;
    Step::Next {
        request: cancel_request(&job.sid),
        wait_ms: 0,
    }
}

/// The kept outcome, with what became of the cancel.
fn cancelled(job: &mut JobState, note: String) -> Step {
    let mut answer = job
        .outcome
        .take()
        .unwrap_or_else(|| Answer::failed(ChunkStatus::Error, "no outcome kept".into()));
    answer.messages.push(note);
    Step::Done(answer)
}

fn cannot_cancel(sid: &str, why: &str) -> String {
    format!("could not cancel splunk job {sid} ({why}): it runs on the server until its TTL ends")
}

fn step(job: &mut JobState, resp: &HttpResponse) -> Step {
    match job.phase {
        Phase::Create => created(job, resp),
        Phase::Status => polled(job, resp),
        Phase::Results => paged(job, resp),
        Phase::Cancel => {
            let note = match resp.status {
                200..=299 => format!("splunk job {} was cancelled", job.sid),
                404 => format!("splunk job {} was gone already", job.sid),
                s => cannot_cancel(&job.sid, &format!("HTTP {s}")),
            };
            cancelled(job, note)
        }
    }
}

fn fail(job: &mut JobState, failure: Answer) -> Step {
    if job.phase == Phase::Cancel {
        let why = failure.messages.join("; ");
        let note = cannot_cancel(&job.sid, &why);
        return cancelled(job, note);
    }
    give_up(job, failure)
}

fn created(job: &mut JobState, resp: &HttpResponse) -> Step {
    if let Some(a) = http_failure(SPLUNK.name, resp) {
        return Step::Done(a);
    }
    let v = match json_body(SPLUNK.name, resp) {
        Ok(v) => v,
        Err(a) => return Step::Done(a),
    };
    let Some(sid) = v.get("sid").and_then(Json::as_str) else {
        return bad("the job was not created (no sid in the answer)".into());
    };
    if !valid_sid(sid) {
        return bad(format!(
            "job id {:?} is not a splunk sid",
            sid.chars().take(80).collect::<String>()
        ));
    }
    job.sid = sid.to_string();
    poll(job)
}

/// The next status poll, or `timeout` when its wait would pass the limit.
fn poll(job: &mut JobState) -> Step {
    let wait = poll_wait_ms(job.polls);
    if job.waited_ms + wait > job.timeout_ms {
        job.messages.push(format!(
            "splunk job {} did not finish in {} s: run it over shorter chunks (split_by) or raise the job timeout",
            job.sid,
            job.timeout_ms / 1000
        ));
        let answer = job.answer(ChunkStatus::Timeout);
        return give_up(job, answer);
    }
    job.waited_ms += wait;
    job.polls += 1;
    job.phase = Phase::Status;
    Step::Next {
        request: status_request(&job.sid),
        wait_ms: wait,
    }
}

fn job_messages(content: &Json, out: &mut Vec<String>) -> bool {
    let mut errors = false;
    if let Some(ms) = content.get("messages").and_then(Json::as_array) {
        for m in ms {
            let kind = m.get("type").and_then(Json::as_str).unwrap_or("");
            let text = m.get("text").and_then(Json::as_str).unwrap_or("").trim();
            if !text.is_empty() {
                out.push(format!("{kind}: {text}"));
            }
            errors |= matches!(kind, "ERROR" | "FATAL");
        }
    }
    errors
}

fn polled(job: &mut JobState, resp: &HttpResponse) -> Step {
    if let Some(a) = http_failure(SPLUNK.name, resp) {
        return give_up(job, a);
    }
    let v = match json_body(SPLUNK.name, resp) {
        Ok(v) => v,
        Err(a) => return give_up(job, a),
    };
    let Some(content) = v.pointer("/entry/0/content").filter(|c| c.is_object()) else {
        let a = bad_answer(format!("job {} status has no entry[0].content", job.sid));
        return give_up(job, a);
    };
    let state = content
        .get("dispatchState")
        .and_then(Json::as_str)
        .unwrap_or("");
    let flag = |k: &str| {
        content
            .get(k)
            .map(|b| {
                b.as_bool()
                    .unwrap_or_else(|| b.as_str() == Some("1") || b == 1)
            })
            .unwrap_or(false)
    };
    if state == "FAILED" || flag("isFailed") {
        let mut messages = vec![format!("splunk job {} failed", job.sid)];
        job_messages(content, &mut messages);
        let mut a = Answer {
            status: ChunkStatus::QueryError,
            rows: Default::default(),
            messages,
        };
        super::refine_limits(&mut a);
        return Step::Done(a);
    }
    if !flag("isDone") {
        return poll(job);
    }
    job.errors |= job_messages(content, &mut job.messages);
    let total = content.get("resultCount").and_then(|n| {
        n.as_u64()
            .or_else(|| n.as_str().and_then(|s| s.trim().parse().ok()))
    });
    let Some(total) = total else {
        let a = bad_answer(format!("job {} is done but has no resultCount", job.sid));
        return give_up(job, a);
    };
    job.total = total;
    if total == 0 {
        return job.done(ChunkStatus::Ok);
    }
    job.phase = Phase::Results;
    Step::Next {
        request: results_request(job),
        wait_ms: 0,
    }
}

fn paged(job: &mut JobState, resp: &HttpResponse) -> Step {
    let page = parse(resp);
    let got = page.rows.rows.len() as u64;
    if !page.status.has_rows() {
        if job.offset == 0 {
            return give_up(job, page);
        }
        // Rows already read are kept: the chunk is partial.
        job.messages.extend(page.messages);
        job.messages.push(format!(
            "splunk job {}: read {} of {} rows",
            job.sid, job.offset, job.total
        ));
        let answer = job.answer(ChunkStatus::Partial);
        return give_up(job, answer);
    }
    job.errors |= page.status == ChunkStatus::Partial;
    job.messages.extend(page.messages);
    job.rows.append(page.rows);
    job.offset += got;
    job.pages += 1;
    if job.offset >= job.total {
        return job.done(ChunkStatus::Ok);
    }
    if got == 0 || job.pages >= MAX_PAGES {
        job.messages.push(format!(
            "splunk job {}: read {} of {} rows{}",
            job.sid,
            job.offset,
            job.total,
            if got == 0 {
                " (a page came back empty)".to_string()
            } else {
                format!(" (stopped after {MAX_PAGES} pages): add filters or split_by")
            }
        ));
        let answer = job.answer(ChunkStatus::Partial);
        return give_up(job, answer);
    }
    Step::Next {
        request: results_request(job),
        wait_ms: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sids_are_checked() {
        for ok in [
            "1733450000.123",
            "admin__admin__search__RMD5a1b2c3_at_1733450000_7",
            "scheduler__nobody_c2VhcmNo__RMD5x_at_1733450000_12_5E7F-AB",
        ] {
            assert!(valid_sid(ok), "{ok}");
        }
        for bad in [
            "", "..", "a/b", "1.2/../x", "a?b", "a%2fb", ".1", "1.", "a..b", "a b",
        ] {
            assert!(!valid_sid(bad), "{bad}");
        }
    }
}
