#!/usr/bin/env bash
# Checks command 1 (scripts/start.sh): it serves JupyterLab on 127.0.0.1 with
# the huntkit extension enabled and the demo notebook and data in its root.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HUNTKIT_ROOT"
PORT="${HUNTKIT_SMOKE_PORT:-8897}"
TOKEN="smoke-$$"
LOG="$(mktemp)"
HUNTKIT_PORT="$PORT" JUPYTER_TOKEN="$TOKEN" setsid bash scripts/start.sh >"$LOG" 2>&1 &
PGID=$!
trap 'kill -- -"$PGID" 2>/dev/null || true; rm -f "$LOG"' EXIT

api() { curl -sf -H "Authorization: token $TOKEN" "http://127.0.0.1:$PORT$1"; }
for _ in $(seq 1 240); do
  api /api/status >/dev/null 2>&1 && break
  kill -0 "$PGID" 2>/dev/null || { cat "$LOG"; echo "start.sh exited early" >&2; exit 1; }
  sleep 1
done
api /api/status >/dev/null || { cat "$LOG"; echo "JupyterLab did not answer on port $PORT" >&2; exit 1; }
for file in demo.ipynb sample_iocs.txt encoded_commands.txt alerts.csv processes.csv; do
  api "/api/contents/$file?content=0" >/dev/null || { echo "demo file $file is missing" >&2; exit 1; }
done
api /lab/api/extensions | python3 -c '
import json, sys
# Listed under the Python package name (huntkit-jupyterlab), prebuilt.
ext = [e for e in json.load(sys.stdin) if "huntkit" in e["name"]]
assert ext and ext[0]["enabled"] and ext[0]["installed"], "huntkit extension not enabled"
'
# The server extension (provider calls) is loaded, answers only with a token,
# and is offline until asked: it lists the providers and calls none.
api /huntkit/api/providers | python3 -c '
import json, sys
doc = json.load(sys.stdin)
assert doc["sensitive"] is False and isinstance(doc["providers"], list), doc
' || { echo "the huntkit server extension does not answer" >&2; exit 1; }
code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/huntkit/api/providers")"
[ "$code" = 403 ] || { echo "huntkit/api/providers answered $code without a token" >&2; exit 1; }
log "start.sh serves JupyterLab with huntkit (labextension, server extension) and the demo on 127.0.0.1:$PORT"
