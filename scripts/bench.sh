#!/usr/bin/env bash
# The benchmark: builds what it needs, then runs scripts/bench.py.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HUNTKIT_ROOT"
bash scripts/setup.sh >/dev/null
cargo build --release -p huntkit
[ -f rust/wasm/pkg/huntkit_wasm_bg.wasm ] || bash scripts/build-wasm.sh
# `npm run bench` runs all; `bash scripts/bench.sh ioc|timeseries|sessions|proctree|cluster|views|graph|python [args]` one.
case "${1:-all}" in
  ioc) shift; exec python3 scripts/bench.py "$@" ;;
  timeseries) shift; exec python3 scripts/bench_timeseries.py "$@" ;;
  sessions) shift; exec python3 scripts/bench_sessions.py "$@" ;;
  proctree) shift; exec python3 scripts/bench_proctree.py "$@" ;;
  cluster) shift; exec python3 scripts/bench_cluster.py "$@" ;;
  views) shift; exec bash scripts/bench-views.sh "$@" ;;
  graph) shift; exec node scripts/bench-graph.mjs "$@" ;;
  python) shift; exec python3 scripts/bench_python.py "$@" ;;
  *) python3 scripts/bench.py "$@"; python3 scripts/bench_timeseries.py
     python3 scripts/bench_sessions.py
     python3 scripts/bench_proctree.py
     python3 scripts/bench_python.py
     python3 scripts/bench_cluster.py
     node scripts/bench-graph.mjs
     exec bash scripts/bench-views.sh ;;
esac
