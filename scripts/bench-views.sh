#!/usr/bin/env bash
# The notebook view benchmark: timeline bundles of 10k, 100k and 1M events
# (or the sizes given), rendered in headless Chromium by the shared view
# code. Needs the TS packages built (scripts/build.sh).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HUNTKIT_ROOT"
sizes=("${@:-10000 100000 1000000}")
data="${HUNTKIT_CACHE}/bench-views"
# shellcheck disable=SC2068
PYTHONPATH=jupyterlab-ext "$HUNTKIT_VENV/bin/python" scripts/bench_views_data.py "$data" ${sizes[@]}
# shellcheck disable=SC2068
node scripts/bench-views.mjs "$data" ${sizes[@]}
