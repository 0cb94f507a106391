#!/usr/bin/env bash
# The VS Code renderer end to end: builds the .vsix, installs code-server
# (VS Code 1.139) if missing, and runs tests/vscode/renderer.e2e.mjs, which
# installs the .vsix into a fresh code-server, opens saved notebooks in
# headless Chromium and checks what the renderer drew.
# Expects the wasm module and @huntkit/engine to be built (scripts/build.sh).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HUNTKIT_ROOT"

export HUNTKIT_CODE_SERVER
HUNTKIT_CODE_SERVER=$(bash scripts/setup-vscode.sh)

log "building the VS Code extension (.vsix)"
npm run --silent build --workspace=vscode-ext
npm run --silent package --workspace=vscode-ext >/dev/null
export HUNTKIT_VSIX="$HUNTKIT_ROOT/vscode-ext/huntkit.vsix"

log "VS Code extension unit tests (the provider gateway over loopback)"
npm run --silent test --workspace=vscode-ext

log "VS Code end to end (code-server, headless Chromium)"
rm -rf tests/vscode/test-results
node --test --test-reporter=spec --test-concurrency=1 tests/vscode/renderer.e2e.mjs
