#!/usr/bin/env bash
# Installs what scripts/fuzz.sh needs, idempotently: the nightly toolchain
# (libFuzzer's instrumentation needs `-Z` flags) and cargo-fuzz, pinned.
set -euo pipefail
source "$(dirname "$0")/env.sh"
CARGO_FUZZ_VERSION=0.13.2
if ! rustup toolchain list | grep -q '^nightly'; then
  log "installing the nightly Rust toolchain (minimal profile)"
  rustup toolchain install nightly --profile minimal
fi
if [ "$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
  log "installing cargo-fuzz $CARGO_FUZZ_VERSION (about 2 minutes)"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --force
fi
