#!/usr/bin/env bash
# Fuzzes every parser of huntkit-core with cargo-fuzz (libFuzzer) on the
# nightly toolchain (issue #16). Not part of CI's time budget except through
# scripts/test-fuzz.sh's short smoke.
#
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Defaults: 600 s per target, every target in fuzz/Cargo.toml. The corpus
# lives in $HUNTKIT_CACHE/fuzz-corpus/<target> (kept between runs, seeded
# from tests/golden and fuzz/seeds each time); the build in
# $HUNTKIT_CACHE/target-fuzz, apart from the workspace's. A crash or a
# timeout stops the run with the input's path: fix the bug, then keep the
# input under tests/golden/fuzz/<target>/ (cargo test replays it).
# Prints one summary row per target: executions, seconds, execs/s.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HUNTKIT_ROOT"
secs="${1:-600}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(sed -n 's/^name = "\(.*\)"$/\1/p' fuzz/Cargo.toml | grep -v '^huntkit-fuzz$')
fi
bash scripts/setup-fuzz.sh
export CARGO_TARGET_DIR="${HUNTKIT_FUZZ_TARGET_DIR:-$HUNTKIT_CACHE/target-fuzz}"
corpus="$HUNTKIT_CACHE/fuzz-corpus"
python3 scripts/fuzz_seeds.py "$corpus"
# No sanitizer: the crates under test forbid `unsafe`, and what the fuzzer
# hunts here is panics, hangs and memory blow-ups (libFuzzer's -timeout and
# -rss_limit_mb); ASan would triple the build and halve the exec rate.
# Debug assertions on: an integer overflow on hostile input is a finding.
# 16 codegen units (cargo-fuzz's default is 1): the build is most of a
# short run's time on two cores, the exec rate drops only a little.
log "building ${#targets[@]} fuzz targets (nightly, release, debug assertions)"
build_log="$(mktemp)"
start=$SECONDS
if ! cargo +nightly fuzz build --sanitizer none --debug-assertions --codegen-units 16 >"$build_log" 2>&1; then
  tail -40 "$build_log" >&2
  exit 1
fi
rm -f "$build_log"
log "fuzz build took $((SECONDS - start))s"
report="$HUNTKIT_CACHE/fuzz-report.tsv"
printf 'target\texecs\tseconds\texecs_per_s\tcorpus\n' >"$report"
failed=()
for t in "${targets[@]}"; do
  log "fuzzing $t for ${secs}s"
  out="$(mktemp)"
  # -rss_limit_mb: a parser that needs over 2 GB on a ≤64 KiB input is a
  # finding; -timeout: one input over 10 s is a hang.
  if cargo +nightly fuzz run --sanitizer none --debug-assertions --codegen-units 16 "$t" "$corpus/$t" -- \
      -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
      -print_final_stats=1 >"$out" 2>&1; then
    :
  else
    failed+=("$t")
    grep -E 'panicked|ERROR|Test unit written|SUMMARY' "$out" | head -20 >&2 || true
  fi
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$out" | tail -1)"
  took="$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$out" | tail -1)"
  took="${took:-$secs}"
  n="$(find "$corpus/$t" -type f | wc -l)"
  printf '%s\t%s\t%s\t%s\t%s\n' "$t" "${execs:-?}" "$took" "$(( ${execs:-0} / (took > 0 ? took : 1) ))" "$n" >>"$report"
  rm -f "$out"
done
column -t "$report" >&2
if [ ${#failed[@]} -gt 0 ]; then
  log "crashes or timeouts in: ${failed[*]} (inputs under fuzz/artifacts/<target>/)"
  exit 1
fi
log "fuzzing done: no crash, no timeout"
