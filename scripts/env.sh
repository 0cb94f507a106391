# Sourced by every script: where tools and caches live.
# Caches sit outside the clone so CI and later checkouts reuse them; every
# script still installs what is missing, so a fresh machine works too.
export HUNTKIT_ROOT="${HUNTKIT_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export HUNTKIT_CACHE="${HUNTKIT_CACHE:-$HOME/.cache/huntkit}"
export HUNTKIT_VENV="${HUNTKIT_VENV:-$HUNTKIT_CACHE/venv}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HUNTKIT_CACHE/target}"
export PATH="$HUNTKIT_VENV/bin:$HOME/.cargo/bin:$PATH"
# Tools pinned here and nowhere else.
export WASM_BINDGEN_VERSION=0.2.130
export JUPYTERLAB_VERSION=4.6.6
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
# Galata/Playwright must never fetch a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# CI builds once per run: incremental caches would only fill its disk.
if [ -n "${CI:-}" ]; then export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"; fi
log() { printf '\033[1m[huntkit]\033[0m %s\n' "$*" >&2; }
