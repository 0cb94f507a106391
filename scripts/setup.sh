#!/usr/bin/env bash
# Installs whatever is missing, from the registries only (Debian, crates.io,
# PyPI, npm). Idempotent: a second run takes seconds.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HUNTKIT_ROOT"

if [ ! -x "$CHROMIUM" ] || [ ! -x "$CHROMEDRIVER" ]; then
  log "installing Debian chromium and chromium-driver"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi

if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  # Not --locked: the CLI's lock file names a webpki-roots the registry no longer has.
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if ! "$HUNTKIT_VENV/bin/python" -c 'import jupyterlab, pytest, pyarrow, hatchling, pandas, yaml, pytest_jupyter' 2>/dev/null \
   || [ "$("$HUNTKIT_VENV/bin/python" -c 'import jupyterlab; print(jupyterlab.__version__)')" != "$JUPYTERLAB_VERSION" ]; then
  log "creating the Python venv at $HUNTKIT_VENV"
  python3 -m venv "$HUNTKIT_VENV"
  "$HUNTKIT_VENV/bin/pip" install -q --upgrade pip
  "$HUNTKIT_VENV/bin/pip" install -q -r jupyterlab-ext/requirements-dev.txt
fi

# maturin builds the helper's wheel (the core as a Python extension); polars
# is in the helper's tests. Added to requirements-dev.txt after venvs existed.
if ! "$HUNTKIT_VENV/bin/python" -c 'import maturin, polars' 2>/dev/null; then
  log "installing maturin and polars into $HUNTKIT_VENV"
  "$HUNTKIT_VENV/bin/pip" install -q -r jupyterlab-ext/requirements-dev.txt
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi
bash scripts/setup-fuzz.sh
log "setup done"
