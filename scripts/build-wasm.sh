#!/usr/bin/env bash
# Builds the wasm module and its JS bindings into rust/wasm/pkg/.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HUNTKIT_ROOT"
log "building huntkit-wasm for wasm32"
cargo build -p huntkit-wasm --target wasm32-unknown-unknown --profile wasm-release
wasm-bindgen --target web --remove-name-section --remove-producers-section \
  --out-dir rust/wasm/pkg --out-name huntkit_wasm \
  "$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/huntkit_wasm.wasm"
log "rust/wasm/pkg: $(du -h rust/wasm/pkg/huntkit_wasm_bg.wasm | cut -f1) wasm"
