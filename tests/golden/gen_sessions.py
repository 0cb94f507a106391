"""Writes sessions_msticpy.json: random sessions of the three types with
MSTICPy's likelihoods, geometric means and rarest windows, the reference
huntkit's `sessions` model must equal (to 1e-12).

Run once with msticpy installed (PyPI) and commit the output:
    python tests/golden/gen_sessions.py
"""

import json
import random
from pathlib import Path

from msticpy.analysis.anomalous_sequence.model import Model
from msticpy.analysis.anomalous_sequence.utils.data_structures import Cmd

rng = random.Random(20240304)
CMDS = ["Set-User", "Get-User", "Set-Mailbox", "New-InboxRule", "Remove-Item", "Get-Mailbox"]
PARAMS = ["Identity", "Force", "ForwardTo", "Name", "Confirm"]
VALUES = ["a", "b", "c", "true", "false"]


def session(kind):
    out = []
    for _ in range(rng.randint(0 if kind == "cmds" else 1, 7)):
        name = rng.choice(CMDS)
        params = rng.sample(PARAMS, rng.randint(0, 3))
        if kind == "cmds":
            out.append(name)
        elif kind == "params":
            out.append({"name": name, "params": sorted(params)})
        else:
            out.append({"name": name, "params": {p: rng.choice(VALUES) for p in sorted(params)}})
    return out


def to_msticpy(s, kind):
    if kind == "cmds":
        return list(s)
    if kind == "params":
        return [Cmd(c["name"], set(c["params"])) for c in s]
    return [Cmd(c["name"], dict(c["params"])) for c in s]


def num(values):
    """NaN (a window longer than the session) as null: JSON has no NaN."""
    return [None if v != v else v for v in values]


def window(w, kind):
    if kind == "cmds":
        return list(w)
    return [c.name for c in w]


cases = []
for kind in ["cmds", "params", "values"]:
    # MSTICPy rejects empty sessions, so they are only scored, never trained on.
    sessions = [session(kind) for _ in range(100)]
    sessions = [s for s in sessions if s]
    model = Model([to_msticpy(s, kind) for s in sessions])
    model.train()
    model.compute_likelihoods_of_sessions(use_start_end_tokens=True)
    model.compute_geomean_lik_of_sessions()
    model.compute_rarest_windows(window_len=3, use_start_end_tokens=True, use_geo_mean=False)
    cases.append({
        "kind": kind,
        "sessions": sessions,
        "likelihood": num(model.session_likelihoods),
        "geomean_likelihood": num(model.session_geomean_likelihoods),
        "rarest_window3": [window(w, kind) for w in model.rare_windows[3]],
        "rarest_window3_likelihood": num(model.rare_window_likelihoods[3]),
    })
out = Path(__file__).with_name("sessions_msticpy.json")
out.write_text(json.dumps(cases))
print(f"wrote {out}")
