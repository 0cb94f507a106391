#!/usr/bin/env bash
# Command 1: install what is missing, build, and open JupyterLab on
# 127.0.0.1 with the huntkit extension, a demo notebook and sample data.
# Offline: no keys and no network beyond the first install.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HUNTKIT_ROOT"
bash scripts/setup.sh
bash scripts/build.sh

# Work on a copy so the demo files in the repo stay pristine.
WORK="$HUNTKIT_CACHE/demo"
mkdir -p "$WORK"
# `-u`: a file the repo has changed since the last copy is updated (the demo
# notebook gains cells); one the user saved after that copy is kept.
cp -ru jupyterlab-ext/demo/. "$WORK/"
PORT="${HUNTKIT_PORT:-8888}"
ROOT_FLAG=(); [ "$(id -u)" = 0 ] && ROOT_FLAG=(--allow-root)
log "JupyterLab on http://127.0.0.1:$PORT/lab (demo files in $WORK)"
cd "$WORK"
exec jupyter lab "${ROOT_FLAG[@]}" --ip=127.0.0.1 --port="$PORT" --no-browser \
  --ServerApp.root_dir="$WORK" demo.ipynb
