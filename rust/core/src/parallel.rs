//! Two pieces of work at once where the target has threads (the CLI and
//! the Python extension, on a hunter's cores), one after the other where
//! it has none (the wasm module, which already runs in its own worker).

/// Whether [`join`] can run its two pieces at once: work that only pays
/// off beside another (not after it) is skipped where it cannot.
pub(crate) const THREADS: bool = cfg!(not(target_arch = "wasm32"));

/// Runs `a` here and `b` beside it when `both` (a small input is not worth
/// a thread's start), and returns both results. A panic in `b` resumes on
/// this thread, as if `b` had run here.
pub(crate) fn join<A, B>(
    both: bool,
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B)
where
    A: Send,
    B: Send,
{
    #[cfg(not(target_arch = "wasm32"))]
    if both {
        return std::thread::scope(|s| {
            let beside = s.spawn(b);
            let here = a();
            let there = beside
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (here, there)
        });
    }
    let _ = both;
    (a(), b())
}

#[cfg(test)]
mod tests {
    use super::join;

    #[test]
    fn both_results_either_way() {
        for both in [false, true] {
            let data = [1, 2, 3];
            let (a, b) = join(both, || data.iter().sum::<i32>(), || data.len());
            assert_eq!((a, b), (6, 3));
        }
    }

    #[test]
    fn a_panic_beside_reaches_the_caller() {
        let caught = std::panic::catch_unwind(|| join(true, || 1, || -> i32 { panic!("beside") }));
        assert!(caught.is_err());
    }
}
