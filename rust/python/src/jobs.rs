//! Independent pieces of one call's work on two threads (the GIL is
//! released while they run). Each thread takes the next piece when it
//! finishes one, so neither waits for the other's half: give the biggest
//! pieces first.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Runs `job(0..jobs)` on this thread and, when `beside`, a second one;
/// the results in job order. A panic in the second thread resumes here.
pub(crate) fn run<T: Send>(jobs: usize, beside: bool, job: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done: Vec<(usize, T)> = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= jobs {
                return done;
            }
            done.push((i, job(i)));
        }
    };
    let mut done = if beside && jobs > 1 {
        std::thread::scope(|s| {
            let other = s.spawn(work);
            let mut done = work();
            done.extend(
                other
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            );
            done
        })
    } else {
        work()
    };
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, t)| t).collect()
}
