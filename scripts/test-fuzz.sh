#!/usr/bin/env bash
# The fuzz smoke of scripts/test.sh: every target for a short while (20 s
# each by default, HUNTKIT_FUZZ_SMOKE_SECS to change), enough to catch a
# parser that panics on its own seeds or their first mutations. The long run
# is scripts/fuzz.sh with no argument.
set -euo pipefail
source "$(dirname "$0")/env.sh"
log "fuzz smoke: every fuzz target for ${HUNTKIT_FUZZ_SMOKE_SECS:-20}s (scripts/fuzz.sh)"
exec bash "$HUNTKIT_ROOT/scripts/fuzz.sh" "${HUNTKIT_FUZZ_SMOKE_SECS:-20}"
