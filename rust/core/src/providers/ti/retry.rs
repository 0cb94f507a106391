//! Pacing and retries for provider calls, pure: every function takes the
//! time (`now`, milliseconds since any fixed origin the host picks), so
//! the rules are tested without sleeping and the host keeps the clock.
//!
//! - [`TokenBucket`]: one per provider, from its published
//!   [`RateLimit`]; a call waits for a token instead of earning a 429.
//! - [`retry_after`] / [`RetryPlan`]: a 429 is retried after the
//!   provider's `Retry-After` (seconds or an HTTP date), a bounded number of
//!   times and never after an unbounded wait.
//! - [`ResultCache`]: answers kept per session for a TTL (default 10
//!   minutes), so looking the same observable up twice costs one call.

use std::collections::HashMap;

use crate::providers::{HttpResponse, RateLimit};

/// A token bucket: `capacity` tokens, refilled evenly over the window, so
/// a provider allowing 4 a minute gets a burst of 4, then one every 15 s.
#[derive(Debug, Clone)]
pub struct TokenBucket {
    capacity: f64,
    tokens: f64,
    /// Tokens added per millisecond.
    rate: f64,
    last: u64,
}

impl TokenBucket {
    /// A full bucket for `limit`, as of `now`.
    pub fn new(limit: RateLimit, now: u64) -> TokenBucket {
        let capacity = f64::from(limit.requests.max(1));
        TokenBucket {
            capacity,
            tokens: capacity,
            rate: capacity / (f64::from(limit.per_seconds.max(1)) * 1000.0),
            last: now,
        }
    }

    fn refill(&mut self, now: u64) {
        let elapsed = now.saturating_sub(self.last) as f64;
        self.tokens = (self.tokens + elapsed * self.rate).min(self.capacity);
        self.last = self.last.max(now);
    }

    /// Takes a token at `now`: `Ok` to call now, or `Err(ms)` to wait that
    /// long first (then call `take` again).
    pub fn take(&mut self, now: u64) -> Result<(), u64> {
        self.refill(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - self.tokens) / self.rate).ceil() as u64)
        }
    }
}

/// How long the answer asks the caller to wait before retrying, in
/// milliseconds: `Retry-After` as delay-seconds or as an HTTP date
/// (relative to `now_unix_ms`, the wall clock in Unix milliseconds).
pub fn retry_after(resp: &HttpResponse, now_unix_ms: i64) -> Option<u64> {
    let value = resp.header("retry-after")?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(secs.saturating_mul(1000));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    Some(u64::try_from(date.timestamp_millis() - now_unix_ms).unwrap_or(0))
}

/// What to do after an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryDecision {
    /// Use the answer (not a 429, or the retries are spent).
    Done,
    /// Wait this many milliseconds, then send the request again.
    RetryAfter(u64),
}

/// The retry rules for 429s: at most `max_retries` retries, each after
/// the provider's `Retry-After` (or `default_wait_ms` when it sends none),
/// and none that would wait longer than `max_wait_ms`: such a 429 is
/// reported as `rate_limited` at once rather than hanging the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPlan {
    /// Retries after the first try.
    pub max_retries: u32,
    /// Wait when the 429 names none.
    pub default_wait_ms: u64,
    /// Longest wait accepted.
    pub max_wait_ms: u64,
}

impl Default for RetryPlan {
    /// 3 retries, 15 s when unsaid (VirusTotal's public pace), at most a
    /// minute (the longest published per-minute window).
    fn default() -> RetryPlan {
        RetryPlan {
            max_retries: 3,
            default_wait_ms: 15_000,
            max_wait_ms: 60_000,
        }
    }
}

impl RetryPlan {
    /// The decision after answer number `attempt` (1 for the first try).
    pub fn decide(&self, attempt: u32, resp: &HttpResponse, now_unix_ms: i64) -> RetryDecision {
        if resp.status != 429 || attempt > self.max_retries {
            return RetryDecision::Done;
        }
        let wait = retry_after(resp, now_unix_ms).unwrap_or(self.default_wait_ms);
        if wait > self.max_wait_ms {
            RetryDecision::Done
        } else {
            RetryDecision::RetryAfter(wait)
        }
    }
}

/// The default result lifetime: 10 minutes.
pub const DEFAULT_CACHE_TTL_MS: u64 = 10 * 60 * 1000;

/// Values kept for a session, keyed by (provider, operation, subject) and
/// dropped `ttl_ms` after they were stored. The subject is the observable,
/// or the request path where one answer serves many observables (the Tor
/// exit list).
#[derive(Debug, Clone)]
pub struct ResultCache<V> {
    ttl_ms: u64,
    entries: HashMap<(String, String, String), (u64, V)>,
}

impl<V: Clone> Default for ResultCache<V> {
    fn default() -> ResultCache<V> {
        ResultCache::new(DEFAULT_CACHE_TTL_MS)
    }
}

impl<V: Clone> ResultCache<V> {
    /// An empty cache whose entries live `ttl_ms`.
    pub fn new(ttl_ms: u64) -> ResultCache<V> {
        ResultCache {
            ttl_ms,
            entries: HashMap::new(),
        }
    }

    fn key(provider: &str, operation: &str, subject: &str) -> (String, String, String) {
        (
            provider.to_string(),
            operation.to_string(),
            subject.to_string(),
        )
    }

    /// The value stored for the key, if it is younger than the TTL at `now`.
    pub fn get(&self, provider: &str, operation: &str, subject: &str, now: u64) -> Option<V> {
        let (stored, v) = self.entries.get(&Self::key(provider, operation, subject))?;
        (now.saturating_sub(*stored) < self.ttl_ms).then(|| v.clone())
    }

    /// Stores `value` at `now`, and drops entries that have expired.
    pub fn insert(&mut self, provider: &str, operation: &str, subject: &str, value: V, now: u64) {
        let ttl = self.ttl_ms;
        self.entries
            .retain(|_, (stored, _)| now.saturating_sub(*stored) < ttl);
        self.entries
            .insert(Self::key(provider, operation, subject), (now, value));
    }

    /// Number of entries held (expired ones included until the next insert).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, retry: Option<&str>) -> HttpResponse {
        HttpResponse {
            status,
            headers: retry
                .map(|r| vec![("retry-after".into(), r.into())])
                .unwrap_or_default(),
            body: String::new(),
        }
    }

    #[test]
    fn bucket_paces_virustotal_public() {
        let limit = RateLimit {
            requests: 4,
            per_seconds: 60,
        };
        let mut b = TokenBucket::new(limit, 0);
        for _ in 0..4 {
            b.take(0).unwrap();
        }
        assert_eq!(b.take(0), Err(15_000));
        assert_eq!(b.take(10_000), Err(5_000));
        b.take(15_000).unwrap();
        assert!(b.take(15_000).is_err());
        // A long pause refills to the burst, no more.
        let mut n = 0;
        while b.take(600_000).is_ok() {
            n += 1;
        }
        assert_eq!(n, 4);
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        assert_eq!(retry_after(&resp(429, Some("1")), 0), Some(1000));
        let now = chrono::DateTime::parse_from_rfc3339("2015-10-21T07:28:00Z")
            .unwrap()
            .timestamp_millis();
        assert_eq!(
            retry_after(&resp(429, Some("Wed, 21 Oct 2015 07:28:30 GMT")), now),
            Some(30_000)
        );
        assert_eq!(
            retry_after(&resp(429, Some("Wed, 21 Oct 2015 07:27:00 GMT")), now),
            Some(0)
        );
        assert_eq!(retry_after(&resp(429, Some("soon")), now), None);
        assert_eq!(retry_after(&resp(429, None), now), None);
    }

    #[test]
    fn plan_is_bounded() {
        let plan = RetryPlan::default();
        assert_eq!(plan.decide(1, &resp(200, None), 0), RetryDecision::Done);
        assert_eq!(
            plan.decide(1, &resp(429, Some("2")), 0),
            RetryDecision::RetryAfter(2000)
        );
        assert_eq!(
            plan.decide(1, &resp(429, None), 0),
            RetryDecision::RetryAfter(15_000)
        );
        assert_eq!(
            plan.decide(4, &resp(429, Some("1")), 0),
            RetryDecision::Done
        );
        assert_eq!(
            plan.decide(1, &resp(429, Some("3600")), 0),
            RetryDecision::Done
        );
    }

    #[test]
    fn cache_expires() {
        let mut c = ResultCache::new(1000);
        c.insert("virustotal", "ip", "8.8.8.8", 1, 0);
        assert_eq!(c.get("virustotal", "ip", "8.8.8.8", 999), Some(1));
        assert_eq!(c.get("virustotal", "ip", "8.8.8.8", 1000), None);
        assert_eq!(c.get("otx", "ip", "8.8.8.8", 10), None);
        c.insert("otx", "ip", "1.1.1.1", 2, 5000);
        assert_eq!(c.len(), 1);
        assert_eq!(ResultCache::<u8>::default().ttl_ms, DEFAULT_CACHE_TTL_MS);
    }
}
