#!/usr/bin/env bash
# Builds everything: the CLI, the wasm module, the TS packages and the
# JupyterLab extension, and installs the extension and CLI into the venv.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HUNTKIT_ROOT"

log "building the huntkit CLI"
cargo build --release -p huntkit
install -m 755 "$CARGO_TARGET_DIR/release/huntkit" "$HUNTKIT_VENV/bin/huntkit"

bash scripts/build-wasm.sh

log "building the TypeScript packages and the JupyterLab extension"
npm run --silent build:ts
log "building the VS Code extension (vscode-ext/huntkit.vsix)"
npm run --silent build --workspace=vscode-ext
npm run --silent package --workspace=vscode-ext >/dev/null

log "building the notebook helper's wheel (huntkit, with the core as huntkit._core: maturin, abi3)"
wheels="$CARGO_TARGET_DIR/wheels"  # beside the target dir: one per tree, never shared
rm -rf "$wheels"
(cd jupyterlab-ext/helper && "$HUNTKIT_VENV/bin/maturin" build --release --quiet --out "$wheels" \
  --interpreter "$HUNTKIT_VENV/bin/python")
log "installing the notebook helper (huntkit) and the extension (jupyterlab_huntkit) into $HUNTKIT_VENV"
"$HUNTKIT_VENV/bin/pip" install -q --no-build-isolation --no-deps --force-reinstall "$wheels"/huntkit-*.whl ./jupyterlab-ext
