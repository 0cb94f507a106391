//! Core errors (and panics) as Python exceptions, in one place.
//!
//! The message is the core's own sentence, the one the CLI prints after
//! `huntkit: `, so a notebook and a terminal say the same thing; `kind` is
//! the core's stable name (`missing_column`, `bad_value`, …) for code that
//! branches on it.

use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

create_exception!(
    _core,
    HuntkitError,
    PyValueError,
    "Bad input or options for a huntkit analysis; `kind` names the problem."
);

/// A `HuntkitError` with `message` and `kind`.
pub(crate) fn error(message: &str, kind: &str) -> PyErr {
    let err = HuntkitError::new_err(message.to_string());
    Python::attach(|py| {
        // Setting an attribute on a fresh exception object cannot fail.
        let _ = err.value(py).setattr("kind", kind);
    });
    err
}

/// Converts a core error.
pub(crate) fn core(err: huntkit_core::Error) -> PyErr {
    error(&err.to_string(), err.kind_name())
}

/// Options that are not the core's shape (unknown or mistyped fields).
pub(crate) fn options(err: serde_json::Error) -> PyErr {
    error(&format!("invalid options: {err}"), "invalid_option")
}

/// Runs `work` with the GIL released and turns a panic into a
/// `HuntkitError` (kind `internal`) instead of letting it unwind into
/// Python: the core does not panic on bad input, but a bug must not take
/// the kernel down with it.
pub(crate) fn detached<T: Send>(
    py: Python<'_>,
    work: impl FnOnce() -> PyResult<T> + Send,
) -> PyResult<T> {
    py.detach(|| match catch_unwind(AssertUnwindSafe(work)) {
        Ok(result) => result,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            Err(error(
                &format!("internal error in huntkit (please report it): {what}"),
                "internal",
            ))
        }
    })
}

/// Panics with `message` inside [`detached`]: the check (run by the
/// Python tests) that a panic in the core reaches Python as a
/// `HuntkitError` of kind `internal`, with the kernel still running.
#[pyfunction]
#[pyo3(name = "_panic_check")]
pub(crate) fn panic_check(py: Python<'_>, message: String) -> PyResult<()> {
    detached(py, move || -> PyResult<()> { panic!("{message}") })
}
