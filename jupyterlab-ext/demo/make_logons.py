"""Write demo/logons.csv: a week of Windows logon events (4624/4625) with one incident.

Seeded, so the committed CSV is reproducible: ``python make_logons.py``.
Standard library only.

The week is ordinary office traffic (workstation logons in office hours,
file-share and domain-controller network logons, service accounts every
hour, the odd mistyped password). On 2024-03-07 at about 02:10 UTC an
outside address (198.51.100.23) sprays passwords over RDP at WEB-01, gets in
as ``svc_backup`` at 02:47, and from WEB-01 that account then logs on to
DC-01, FS-01 and SQL-01: a burst of failures in the night, and an account on
hosts it never touches otherwise.
"""

from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

SEED = 20240304
START = datetime(2024, 3, 4, tzinfo=timezone.utc)  # a Monday
DAYS = 7
OUT = Path(__file__).resolve().parent / "logons.csv"

USERS = {  # account -> own workstation
    "alice.ng": "WKS-0042", "bob.kim": "WKS-0107", "carol.diaz": "WKS-0113",
    "dan.oconnor": "WKS-0121", "erin.patel": "WKS-0135", "frank.moss": "WKS-0142",
    "grace.li": "WKS-0150", "hugo.berg": "WKS-0163", "ines.roy": "WKS-0171",
    "jon.fry": "WKS-0178", "kate.ueda": "WKS-0184", "leo.marsh": "WKS-0190",
}
SERVERS = {"DC-01": "10.0.0.10", "FS-01": "10.0.0.20", "SQL-01": "10.0.0.30", "WEB-01": "10.0.2.10"}
WORKSTATION_IP = {wks: f"10.0.1.{42 + i}" for i, wks in enumerate(USERS.values())}
ATTACKER = "198.51.100.23"
SPRAY_NAMES = ["administrator", "admin", "backup", "svc_backup", "test", "guest", "sqladmin",
               "webadmin", "operator", "support", "scanner", "user", "alice.ng", "bob.kim"]
WRONG_PASSWORD, NO_SUCH_USER = "0xC000006A", "0xC0000064"
FIELDS = ["TimeGenerated", "Computer", "Account", "LogonType", "EventID", "SourceIP", "Status"]


def row(t: datetime, computer: str, account: str, logon_type: int, ip: str, status: str = "0x0") -> dict:
    return {
        "TimeGenerated": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "Computer": computer,
        "Account": account,
        "LogonType": logon_type,
        "EventID": 4624 if status == "0x0" else 4625,
        "SourceIP": ip,
        "Status": status,
    }


def office_week(rng: random.Random) -> list[dict]:
    rows = []
    for day in range(DAYS):
        date = START + timedelta(days=day)
        weekend = date.weekday() >= 5
        for user, wks in USERS.items():
            if weekend and rng.random() < 0.85:
                continue
            t = date + timedelta(hours=rng.gauss(8.3, 0.6))
            if rng.random() < 0.08:  # mistyped password first
                rows.append(row(t - timedelta(seconds=rng.randint(5, 40)), wks, user, 2, "127.0.0.1", WRONG_PASSWORD))
            rows.append(row(t, wks, user, 2, "127.0.0.1"))
            end = t + timedelta(hours=rng.uniform(7, 9.5))
            for _ in range(rng.randint(15, 40)):  # network logons during the day
                server = rng.choices(["FS-01", "DC-01", "SQL-01"], weights=[6, 3, 1])[0]
                when = t + (end - t) * rng.random()
                rows.append(row(when, server, user, 3, WORKSTATION_IP[wks]))
            if rng.random() < 0.3:  # unlock after lunch
                rows.append(row(date + timedelta(hours=rng.gauss(13, 0.4)), wks, user, 7, "127.0.0.1"))
        for hour in range(24):  # service accounts, day and night
            base = date + timedelta(hours=hour)
            rows.append(row(base + timedelta(seconds=rng.randint(0, 59)), "SQL-01", "svc_sql", 5, "-"))
            rows.append(row(base + timedelta(minutes=30, seconds=rng.randint(0, 59)), "WEB-01", "svc_web", 5, "-"))
        backup = date + timedelta(hours=1, minutes=rng.randint(0, 5))
        rows.append(row(backup, "FS-01", "svc_backup", 4, "-"))  # the nightly batch job, on FS-01 only
        if rng.random() < 0.5:
            rows.append(row(date + timedelta(hours=rng.uniform(9, 17)), "WEB-01", "alice.ng", 10, WORKSTATION_IP["WKS-0042"]))
    return rows


def incident(rng: random.Random) -> list[dict]:
    rows = []
    t = datetime(2024, 3, 7, 2, 10, 4, tzinfo=timezone.utc)
    end = datetime(2024, 3, 7, 2, 47, 19, tzinfo=timezone.utc)
    while t < end:
        name = rng.choice(SPRAY_NAMES)
        status = WRONG_PASSWORD if name in ("administrator", "svc_backup", "alice.ng", "bob.kim") else NO_SUCH_USER
        rows.append(row(t, "WEB-01", name, 10, ATTACKER, status))
        t += timedelta(seconds=rng.uniform(2, 12))
    rows.append(row(end, "WEB-01", "svc_backup", 10, ATTACKER))
    t = end + timedelta(minutes=3)
    for server in ("DC-01", "FS-01", "SQL-01", "DC-01", "FS-01"):
        t += timedelta(minutes=rng.uniform(2, 9))
        rows.append(row(t, server, "svc_backup", 3, SERVERS["WEB-01"]))
    return rows


def main() -> None:
    rng = random.Random(SEED)
    rows = office_week(rng) + incident(rng)
    rows.sort(key=lambda r: (r["TimeGenerated"], r["Computer"], r["Account"]))
    with OUT.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} events to {OUT.name}")


if __name__ == "__main__":
    main()
