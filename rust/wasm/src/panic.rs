//! What happens when the wasm code panics.
//!
//! The module is built with `panic = "abort"`: a panic ends in a wasm
//! `unreachable` trap, the JS caller sees a bare `RuntimeError:
//! unreachable`, and the instance can't be trusted afterwards (locks and
//! `RefCell` borrows stay taken, the shadow stack is not unwound). The
//! loader therefore treats a trap as fatal and replaces the worker; this
//! module only makes the trap *say* something: the hook stores the panic's
//! message on the worker's global object (`__huntkitPanic`) before the
//! trap, and the worker's router puts it in the error the panel shows.

use wasm_bindgen::prelude::*;

/// The property of the JS global object the hook writes the last panic's
/// message to (read by `router.ts`'s `errorMessage`).
const PANIC_PROPERTY: &str = "__huntkitPanic";

/// Installs the panic hook once, when the module is instantiated: a panic
/// records its message (`panicked at file:line: message`) on the global
/// object, then the module traps as before.
#[wasm_bindgen(start)]
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        // Only JS calls here, and nothing that can panic again: a panic in
        // the hook would abort without a message.
        let message = JsValue::from_str(&info.to_string());
        let _ = js_sys::Reflect::set(
            &js_sys::global(),
            &JsValue::from_str(PANIC_PROPERTY),
            &message,
        );
    }));
}

/// Panics on purpose, with `message`: **for tests only**. The engine's
/// tests (the TS unit test over the real module and the JupyterLab end to
/// end check) call it to make the module trap for real and check that the
/// page survives: the request is rejected with kind `wasm_trap`, the lane's
/// worker is replaced, the next request works. Harmless in a release
/// build: it only kills the worker that calls it, which the loader
/// replaces; nothing reaches it from data (only the `debugPanic` request,
/// which the hosts send from a hidden test command).
#[wasm_bindgen(js_name = debugPanic)]
pub fn debug_panic(message: &str) {
    panic!("debugPanic: {message}");
}
