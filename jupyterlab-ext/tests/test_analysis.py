"""The analyses through the compiled core (`huntkit._core`): every function
on pandas and polars input, nulls, time zones, categoricals, bad input, and
the results going into the views.

Expected values are the CLI's own output for the same input (the CLI and
this module call the same core functions), or MSTICPy's where noted.
"""

import base64
import threading
import time

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import huntkit
from huntkit import HuntkitError

TEXT = "beacon to hxxps://evil[.]example[.]com/a.php from 10.1.2.3\nagain 10.1.2.3\n"
ENCODED = "powershell -enc " + base64.b64encode("Write-Host hello world from a test".encode("utf-16le")).decode()


def test_the_extension_is_the_compiled_core():
    assert huntkit._core.__file__.endswith((".so", ".pyd"))
    assert huntkit._core.__version__ == huntkit.__version__
    assert issubclass(HuntkitError, ValueError)


# --------------------------------------------------------------------------
# IoCs
# --------------------------------------------------------------------------


def test_ioc_extract_text_gives_distinct_iocs_with_counts():
    out = huntkit.ioc_extract(TEXT)
    assert list(out.columns) == ["IoCType", "Observable", "Refanged", "Count", "FirstOffset"]
    rows = {(r.IoCType, r.Refanged): r.Count for r in out.itertuples()}
    assert rows == {("url", "https://evil.example.com/a.php"): 1, ("dns", "evil.example.com"): 1,
                    ("ipv4", "10.1.2.3"): 2}
    assert out.loc[out.IoCType == "url", "Observable"].item() == "hxxps://evil[.]example[.]com/a.php"
    # bytes are text too
    assert huntkit.ioc_extract(TEXT.encode()).equals(out)


def frame_with_nulls():
    return pd.DataFrame({
        "Cmd": ["ping 10.0.0.1", None, "curl http://x.example.com/a", "nothing here"],
        "Host": pd.Categorical(["a.contoso.com", "b", None, "a.contoso.com"]),
        "n": [1, 2, 3, 4],
    })


@pytest.mark.parametrize("kind", ["pandas", "polars", "arrow"])
def test_ioc_extract_table_on_pandas_polars_and_arrow(kind):
    df = frame_with_nulls()
    data = {"pandas": df, "polars": pl.from_pandas(df), "arrow": pa.Table.from_pandas(df)}[kind]
    out = huntkit.ioc_extract(data, columns=["Cmd", "Host"])
    assert list(out.columns) == ["IoCType", "Observable", "SourceIndex", "Input", "Refanged"]
    got = sorted(zip(out.IoCType, out.Refanged, out.SourceIndex, out.Input))
    assert got == [
        ("dns", "a.contoso.com", 0, "Host"), ("dns", "a.contoso.com", 3, "Host"),
        ("dns", "x.example.com", 2, "Cmd"), ("ipv4", "10.0.0.1", 0, "Cmd"),
        ("url", "http://x.example.com/a", 2, "Cmd"),
    ]
    assert str(out.SourceIndex.dtype) == "Int64"


def test_ioc_extract_options_follow_msticpy_names():
    df = frame_with_nulls()
    only_ip = huntkit.ioc_extract(df, columns="Cmd", ioc_types=["ipv4"])
    assert only_ip.IoCType.tolist() == ["ipv4"]
    no_com = huntkit.ioc_extract(df, columns=["Host"], ignore_tlds=["com"])
    assert no_com.empty
    custom = huntkit.ioc_extract("ticket INC-1234 opened", patterns={"ticket": r"INC-\d+"})
    assert custom.IoCType.tolist() == ["ticket"]
    paths = pd.DataFrame({"c": [r"run C:\Temp\x.exe now"]})
    assert huntkit.ioc_extract(paths).empty  # tables: no paths by default, as the CLI
    assert huntkit.ioc_extract(paths, include_paths=True).IoCType.tolist() == ["windows_path"]
    with pytest.raises(ValueError, match="Public Suffix List"):
        huntkit.ioc_extract(df, ignore_tlds=True)


def test_ioc_extract_accessor_on_pandas_and_polars():
    df = frame_with_nulls()
    a = df.huntkit.ioc_extract(columns=["Cmd"])
    b = pl.from_pandas(df).huntkit.ioc_extract(columns=["Cmd"])
    assert a.equals(b) and len(a) == 3


def test_missing_column_is_named_with_the_clis_message():
    with pytest.raises(HuntkitError) as e:
        huntkit.ioc_extract(frame_with_nulls(), columns=["CommandLine"])
    assert str(e.value) == 'column "CommandLine" not in table (columns: Cmd, Host, n)'
    assert e.value.kind == "missing_column"


def test_unknown_ioc_type_and_bad_pattern_are_errors_not_panics():
    with pytest.raises(HuntkitError, match="ipv5") as e:
        huntkit.ioc_extract("x", ioc_types=["ipv5"])
    assert e.value.kind == "unknown_ioc_type"
    with pytest.raises(HuntkitError) as e:
        huntkit.ioc_extract("x", patterns={"bad": "("})
    assert e.value.kind == "invalid_pattern"


def test_object_columns_of_mixed_types_are_read_as_text():
    df = pd.DataFrame({"mixed": [1, "see 8.8.8.8", b"bytes 1.1.1.1", None]})
    out = huntkit.ioc_extract(df, columns=["mixed"])
    assert sorted(out.Refanged) == ["1.1.1.1", "8.8.8.8"]


def test_the_gil_is_released_during_a_long_scan():
    text = ("GET http://a.example.com/x 10.0.0.1 " * 40 + "\n") * 20000  # ~30 MB
    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(1)
            time.sleep(0.001)

    t = threading.Thread(target=tick)
    t.start()
    try:
        before = len(ticks)
        start = time.perf_counter()
        huntkit.ioc_extract(text)
        elapsed = time.perf_counter() - start
        during = len(ticks) - before
    finally:
        stop.set()
        t.join()
    # With the GIL held the other thread could not run at all during the call.
    assert elapsed > 0.05 and during >= 5, (elapsed, during)


# --------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------


def test_decode_text_has_msticpys_columns_and_the_annotated_text():
    out = huntkit.decode(ENCODED)
    for col in ["reference", "original_string", "file_name", "file_type", "input_bytes",
                "decoded_string", "encoding_type", "md5", "sha1", "sha256", "printable_bytes"]:
        assert col in out.columns
    assert out.decoded_string.tolist() == ["Write-Host hello world from a test"]
    assert out.encoding_type.tolist() == ["utf16le_base64"]
    assert "Write-Host hello world from a test</decoded>" in out.attrs["annotated"]
    assert out.attrs["warnings"] == []


@pytest.mark.parametrize("kind", ["pandas", "polars"])
def test_decode_table_column(kind):
    df = pd.DataFrame({"CommandLine": [ENCODED, None, "plain"], "Other": ["x", "y", "z"]})
    data = df if kind == "pandas" else pl.from_pandas(df)
    out = huntkit.decode(data, column="CommandLine")
    assert out.decoded_string.tolist() == ["Write-Host hello world from a test"]
    assert out.SourceIndex.tolist() == [0]
    assert huntkit.unpack_df(data, column="CommandLine").equals(out)  # MSTICPy's name
    assert data.huntkit.b64extract(column="CommandLine").equals(out)


def test_decode_limits_warn_and_bad_options_are_named():
    with pytest.raises(HuntkitError) as e:
        huntkit.decode(ENCODED, max_depth=0)
    assert e.value.kind == "invalid_option" and "max_depth" in str(e.value)


# --------------------------------------------------------------------------
# Sessions
# --------------------------------------------------------------------------


def events(tz="UTC"):
    times = pd.date_range("2024-01-01", periods=9, freq="30s", tz=tz)
    return pd.DataFrame({
        "UserId": pd.Categorical(["a"] * 5 + ["b"] * 4),
        "TimeGenerated": times,
        "Operation": ["x", "y", "z", "x", "y", "q", "r", "q", "r"],
    })


@pytest.mark.parametrize("tz", ["UTC", None, "Europe/Berlin"])
def test_sessionize_keeps_the_time_type_aware_or_naive(tz):
    df = events(tz)
    out = huntkit.sessionize(df, user_identifier_cols=["UserId"], time_col="TimeGenerated",
                             event_col="Operation", max_session_time_mins=20, max_event_separation_mins=2)
    assert list(out.columns) == ["UserId", "TimeGenerated_min", "TimeGenerated_max", "Operation_list",
                                 "duration", "number_events"]
    assert out.number_events.tolist() == [5, 4]
    assert out.TimeGenerated_min.dtype == df.TimeGenerated.dtype
    assert out.TimeGenerated_min.tolist() == [df.TimeGenerated[0], df.TimeGenerated[5]]
    assert out.Operation_list[0] == '["x","y","z","x","y"]'


def test_sessionize_gap_and_polars():
    df = events()
    out = huntkit.sessionize_data(pl.from_pandas(df), "UserId", "TimeGenerated", "Operation",
                                  max_event_separation_mins=0.4)  # 24 s < the 30 s gaps
    assert out.number_events.tolist() == [1] * 9


def test_sessionize_unparseable_time_names_the_row():
    df = pd.DataFrame({"u": ["a", "a"], "t": ["2024-01-01T00:00:00Z", "later"], "e": ["x", "y"]})
    with pytest.raises(HuntkitError, match='"later"'):
        huntkit.sessionize(df, "u", "t", "e")


SESSIONS_CLI = {  # huntkit sessions --window-length 2 on these two sessions
    "rarest_window2_likelihood": [0.05811138014527845, 0.05811138014527845],
    "likelihood": [0.017492711370262388, 0.05247813411078717],
    "geomean_likelihood": [0.2595886561188771, 0.22908106449636376],
}


@pytest.mark.parametrize("kind", ["lists", "json", "polars", "categorical-json"])
def test_score_sessions_equals_the_cli(kind):
    sessions = [["a", "b", "c"], ["a", "b"]]
    data = {
        "lists": pd.DataFrame({"session": sessions, "id": [1, 2]}),
        "json": pd.DataFrame({"session": ['["a","b","c"]', '["a","b"]'], "id": [1, 2]}),
        "polars": pl.DataFrame({"session": sessions, "id": [1, 2]}),
        "categorical-json": pd.DataFrame({"session": pd.Categorical(['["a","b","c"]', '["a","b"]']),
                                          "id": [1, 2]}),
    }[kind]
    out = huntkit.score_sessions(data, session_column="session", window_length=2)
    assert list(out.columns) == ["session", "id", "rarest_window2_likelihood", "rarest_window2",
                                 "likelihood", "geomean_likelihood"]
    for col, want in SESSIONS_CLI.items():
        assert out[col].tolist() == pytest.approx(want, rel=1e-12), col
    assert out.rarest_window2.tolist() == ['["b","c"]', '["b"]']


def test_score_sessions_params_and_values_and_msticpy_cmd_objects():
    class Cmd:  # the shape of msticpy.analysis.anomalous_sequence.utils.data_structures.Cmd
        def __init__(self, name, params):
            self.name, self.params = name, params

    values = [[{"name": "Set-User", "params": {"Identity": "bob", "Force": "true"}},
               {"name": "Get-User", "params": {"Identity": "bob"}}],
              [{"name": "Get-User", "params": {"Identity": "eve"}}]]
    as_cmds = [[Cmd(c["name"], c["params"]) for c in s] for s in values]
    a = huntkit.score_sessions(pd.DataFrame({"s": values}), "s", 1)
    b = huntkit.score_sessions(pd.DataFrame({"s": as_cmds}), "s", 1)
    assert a.likelihood.notna().all()
    assert a.likelihood.tolist() == pytest.approx(b.likelihood.tolist(), rel=1e-12)
    params = [[{"name": "Set-User", "params": ["Identity", "Force"]}], [{"name": "Get-User", "params": []}]]
    assert huntkit.score_sessions(pd.DataFrame({"s": params}), "s", 1).likelihood.notna().all()


def test_score_sessions_after_sessionize_and_a_null_session():
    sessions = huntkit.sessionize(events(), "UserId", "TimeGenerated", "Operation")
    scored = sessions.huntkit.score_sessions(session_column="Operation_list", window_length=3)
    assert scored.rarest_window3_likelihood.notna().all()
    nulls = pd.DataFrame({"s": [["a", "b"], None, ["a"]]})
    assert len(huntkit.score_sessions(nulls, "s", 1)) == 3


def test_score_sessions_lists_typed_up_front_or_inferred():
    typed = huntkit.score_sessions(pd.DataFrame({"s": [["a", "b", "c"], ("a", "b"), None]}), "s", 2)
    as_json = huntkit.score_sessions(pd.DataFrame({"s": ['["a","b","c"]', '["a","b"]', None]}), "s", 2)
    assert typed.likelihood.tolist() == pytest.approx(as_json.likelihood.tolist(), rel=1e-12, nan_ok=True)
    assert typed.likelihood.notna().sum() == 2
    # the first session is strings, a later one dicts: pyarrow infers the type instead
    mixed = pd.DataFrame({"s": [["a"], [{"name": "a", "params": ["x"]}]]})
    with pytest.raises(HuntkitError, match='column "s": each cell must be a list of commands') as e:
        huntkit.score_sessions(mixed, "s", 1)
    assert e.value.kind == "bad_value"
    with pytest.raises(HuntkitError, match='column "s"'):
        huntkit.score_sessions(pd.DataFrame({"s": [["a", "b"], ["a", 1]]}), "s", 1)


def test_score_sessions_bad_input():
    with pytest.raises(ValueError, match="window_length"):
        huntkit.score_sessions(pd.DataFrame({"s": [["a"]]}), "s", 0)
    with pytest.raises(HuntkitError, match='column "nope" not in table'):
        huntkit.score_sessions(pd.DataFrame({"s": [["a"]]}), "nope")
    with pytest.raises(HuntkitError) as e:
        huntkit.score_sessions(pd.DataFrame({"s": ["not json"]}), "s")
    assert "row" in str(e.value)


# --------------------------------------------------------------------------
# Time series
# --------------------------------------------------------------------------


def series(tz="UTC"):
    import numpy as np

    t = pd.date_range("2024-01-01", periods=24 * 14, freq="h", tz=tz)
    v = 100 + 20 * np.sin(np.arange(len(t)) * 2 * np.pi / 24)
    v[200] = 400
    return pd.DataFrame({"TimeGenerated": t, "Total": v})


@pytest.mark.parametrize("tz", ["UTC", None])
def test_timeseries_anomalies_stl_flags_the_spike(tz):
    df = series(tz)
    out = huntkit.timeseries_anomalies_stl(df, time_column="TimeGenerated", data_column="Total")
    assert list(out.columns) == ["TimeGenerated", "Total", "residual", "trend", "seasonal", "weights",
                                 "baseline", "score", "anomalies"]
    assert out.TimeGenerated.dtype == df.TimeGenerated.dtype
    spike = df.TimeGenerated[200]
    assert out.loc[out.anomalies == 1, "TimeGenerated"].tolist() == [spike]
    (start, end), = out.attrs["periods"]
    assert (start, end) == (pd.Timestamp("2024-01-09T07:00Z"), pd.Timestamp("2024-01-09T09:00Z"))
    assert out.attrs["kql"].startswith("| where TimeGenerated between (datetime(2024-01-09T07:00:00Z)")
    compatible = huntkit.timeseries_anomalies_stl(df, data_column="Total", msticpy_compatible=True)
    assert set(compatible.anomalies) <= {0, 1}


def test_timeseries_counts_events_per_bin_from_polars():
    times = pd.date_range("2024-01-01", periods=500, freq="17min", tz="UTC")
    out = huntkit.timeseries_anomalies_stl(pl.DataFrame({"TimeGenerated": times}), bin="1h")
    assert out.Total.sum() == 500


def test_anomaly_periods_of_a_scored_series():
    scored = huntkit.timeseries_anomalies_stl(series(), data_column="Total")
    periods = huntkit.anomaly_periods(scored, time_column="TimeGenerated", period="1h")
    assert list(periods.columns) == ["start", "end"]
    assert periods.start.tolist() == [pd.Timestamp("2024-01-09T07:00Z")]
    assert periods.attrs["kql"] == scored.attrs["kql"]
    both = scored.huntkit.anomaly_periods(pos_only=False)
    assert len(both) == 3
    with pytest.raises(HuntkitError, match="period"):
        huntkit.anomaly_periods(scored, period="soon")


def test_timeseries_missing_column_and_wrong_dtype():
    with pytest.raises(HuntkitError, match='column "Count" not in table'):
        huntkit.timeseries_anomalies_stl(series(), data_column="Count")
    bad = pd.DataFrame({"TimeGenerated": ["yesterday"] * 3, "Total": [1, 2, 3]})
    with pytest.raises(HuntkitError, match="yesterday"):
        huntkit.timeseries_anomalies_stl(bad, data_column="Total")


# --------------------------------------------------------------------------
# Process trees
# --------------------------------------------------------------------------


def procs(tz="UTC"):
    t = pd.Timestamp("2024-01-01T00:00:00", tz=tz)
    s = pd.Timedelta(seconds=1)
    return pd.DataFrame({
        "TimeGenerated": [t, t + s, t + 2 * s, t + 3 * s, t + 4 * s],
        "Computer": pd.Categorical(["h1", "h1", "h1", "h1", "h2"]),
        "EventID": [4688] * 5,
        "NewProcessName": [r"C:\W\cmd.exe", r"C:\W\whoami.exe", r"C:\W\net.exe", r"C:\W\net1.exe",
                           r"C:\W\cmd.exe"],
        "NewProcessId": ["0x10", "0x20", "0x30", "0x40", "0x10"],
        "ProcessId": ["0x4", "0x10", "0x10", "0x30", "0x4"],
        "ParentProcessName": [r"C:\W\explorer.exe", r"C:\W\cmd.exe", r"C:\W\cmd.exe", r"C:\W\net.exe",
                              r"C:\W\explorer.exe"],
        "CommandLine": ["cmd", "whoami", "net user", None, "cmd /c dir"],
        "SubjectUserName": ["alice"] * 5,
    })


@pytest.mark.parametrize("tz", ["UTC", None, "Europe/Berlin"])
@pytest.mark.parametrize("kind", ["pandas", "polars"])
def test_build_process_tree_and_its_utilities(kind, tz):
    df = procs(tz)
    tree = huntkit.build_process_tree(df if kind == "pandas" else pl.from_pandas(df), schema="4688")
    assert isinstance(tree, huntkit.ProcessTree) and isinstance(tree, pd.DataFrame)
    for col in ["proc_key", "parent_key", "source_index", "parent_index", "path", "depth", "child_count",
                "descendant_count", "IsRoot", "IsLeaf", "IsBranch", "IsInferred"]:
        assert col in tree.columns
    # 5 events + one inferred explorer.exe per host (parents matched per host)
    assert len(tree) == 7 and tree.IsInferred.sum() == 2
    assert tree.summary() == {"Processes": 7, "RootProcesses": 2, "LeafProcesses": 3, "BranchProcesses": 2,
                              "IsolatedProcesses": 0, "LargestTreeDepth": 4}
    assert tree.TimeGenerated.dtype == df.TimeGenerated.dtype  # times come back typed
    roots = tree.roots()
    assert roots.NewProcessName.tolist() == [r"C:\W\explorer.exe", r"C:\W\explorer.exe"]
    cmd = tree.children(roots.index[0])
    assert cmd.NewProcessName.tolist() == [r"C:\W\cmd.exe"]
    below = tree.descendants(cmd.iloc[0])
    assert below.NewProcessName.tolist() == [r"C:\W\whoami.exe", r"C:\W\net.exe", r"C:\W\net1.exe"]
    assert len(tree.descendants(cmd.index[0], max_depth=1)) == 2
    net1 = tree.index[tree.NewProcessName == r"C:\W\net1.exe"][0]
    assert tree.ancestors(net1).NewProcessName.tolist() == [r"C:\W\explorer.exe", r"C:\W\cmd.exe",
                                                            r"C:\W\net.exe"]
    assert tree.ancestors(tree.proc_key[net1], include_source=True).index[-1] == net1
    text = tree.to_text(cmd.index[0])
    assert text.startswith(r"+ C:\W\cmd.exe  PID 0x10") and "net1.exe" in text and "h2" not in text
    assert "[inferred]" in tree.to_text()
    assert type(tree[tree.depth > 0]) is pd.DataFrame  # a slice is no longer a tree


def test_build_process_tree_with_a_mapping_and_integer_pids():
    df = pd.DataFrame({
        "ts": pd.to_datetime(["2024-01-01T00:00:00", "2024-01-01T00:00:01"]),
        "exe": ["/bin/bash", "/usr/bin/id"], "pid": [100, 200], "ppid": [1, 100],
    })
    tree = huntkit.build_process_tree(df, mapping={"time_stamp": "ts", "process_name": "exe",
                                                   "process_id": "pid", "parent_id": "ppid"})
    assert tree.pid.dtype == "Int64"  # PIDs come back as the numbers they were
    assert tree.summary()["LargestTreeDepth"] == 3
    assert df.huntkit.build_process_tree(mapping={"time_stamp": "ts", "process_name": "exe",
                                                  "process_id": "pid", "parent_id": "ppid"}).equals(tree)


def test_build_process_tree_inferred_rows_and_input_dtypes():
    df = procs()
    df["Elevated"] = [True, False, True, False, True]
    df["Score"] = [1.5, 2.5, 3.5, 4.5, 5.5]
    tree = huntkit.build_process_tree(df, schema="4688")
    # input columns keep their own types (taken by source_index, not read back from text)
    assert isinstance(tree.Computer.dtype, pd.CategoricalDtype)
    assert tree.EventID.dtype == "Int64" and tree.Score.dtype == "float64"
    assert tree.Elevated.dtype == "boolean" and tree.TimeGenerated.dtype == df.TimeGenerated.dtype
    assert tree.columns[:len(df.columns)].tolist() == df.columns.tolist()
    events = tree[~tree.IsInferred]
    src = events.source_index.astype(int).tolist()
    assert events.CommandLine.tolist() == df.CommandLine.iloc[src].tolist()
    assert events.Score.tolist() == df.Score.iloc[src].tolist()
    # inferred parents: the schema cells their child gives, nulls elsewhere
    inferred = tree[tree.IsInferred]
    assert inferred.Computer.astype(str).tolist() == ["h1", "h2"]
    assert inferred.NewProcessName.tolist() == [r"C:\W\explorer.exe"] * 2
    assert inferred.NewProcessId.tolist() == ["0x4", "0x4"]
    assert inferred.source_index.isna().all() and inferred.Score.isna().all()
    assert inferred.CommandLine.isna().all() and inferred.EventID.isna().all()


def test_build_process_tree_inferred_integer_pid_stays_a_number():
    df = pd.DataFrame({
        "ts": pd.to_datetime(["2024-01-01T00:00:01", "2024-01-01T00:00:02"]),
        "exe": ["/bin/bash", "/usr/bin/id"], "pid": [100, 200], "ppid": [1, 100],
    })
    tree = huntkit.build_process_tree(df, mapping={"time_stamp": "ts", "process_name": "exe",
                                                   "process_id": "pid", "parent_id": "ppid"})
    assert tree.pid.dtype == "Int64" and tree.ts.dtype == df.ts.dtype
    root = tree[tree.IsInferred]
    assert root.pid.tolist() == [1] and root.exe.isna().all()


def many_procs(hosts=3, per_host=300, seed=7):
    """Events over several hosts with PID reuse and parents never seen
    (inferred), in time order across hosts, as a log gives them."""
    import random

    rng = random.Random(seed)
    images = [r"C:\W\cmd.exe", r"C:\W\powershell.exe", r"C:\W\net.exe", r"C:\P\app.exe", "svchost.exe"]
    t0 = pd.Timestamp("2024-03-04T00:00:00", tz="UTC")
    rows = []
    for h in range(hosts):
        alive = [(0x4, r"C:\W\System")]
        for i in range(per_host):
            pid, image = 0x100 + 4 * (i % 97), rng.choice(images)  # PIDs come back (reuse)
            ppid, pimage = rng.choice(alive) if rng.random() < 0.9 else (0x9000 + i, r"C:\W\gone.exe")
            rows.append({"TimeGenerated": t0 + pd.Timedelta(milliseconds=7 * i + h), "Computer": f"host{h}",
                         "EventID": 4688, "NewProcessName": image, "NewProcessId": hex(pid),
                         "ProcessId": hex(ppid), "ParentProcessName": pimage,
                         "CommandLine": None if i % 11 == 0 else f"{image} /arg {i}",
                         "SubjectUserName": rng.choice(["alice", "bob", None]),
                         "SubjectLogonId": hex(0x3e7 + h), "Seq": i})
            alive = (alive + [(pid, image)])[-20:]
    return pd.DataFrame(rows).sort_values("TimeGenerated", kind="stable").reset_index(drop=True)


def cells(column):
    return [None if pd.isna(v) else str(v) for v in column]


# 7000 per host: past the rows from which the build writes the keys beside
# its linking and the chunks are joined on two threads (20 000).
@pytest.mark.parametrize("per_host", [300, 7000])
def test_build_process_tree_typed_rows_hold_what_the_cores_text_frame_holds(per_host):
    df = many_procs(per_host=per_host)
    tree = huntkit.build_process_tree(df, schema="4688")
    text = tree._handle.frame().to_pandas()  # the CLI's frame: every input column as text
    assert len(tree) == len(text) and tree.IsInferred.sum() > 10
    assert list(tree.columns) == list(text.columns)
    for col in ["Computer", "NewProcessName", "NewProcessId", "ProcessId", "ParentProcessName", "CommandLine",
                "SubjectUserName", "SubjectLogonId", "proc_key", "parent_key", "path", "EffectiveLogonId"]:
        assert cells(tree[col]) == cells(text[col]), col
    assert tree.TimeGenerated.tolist() == pd.to_datetime(text.TimeGenerated, utc=True, format="ISO8601").tolist()
    events = ~tree.IsInferred
    assert tree.Seq[events].astype(int).tolist() == df.Seq.iloc[tree.source_index[events].astype(int)].tolist()
    assert tree.Seq[~events].isna().all() and tree.EventID.dtype == "Int64"
    assert (tree.Computer[~events].notna()).all()  # inferred parents carry their child's host


@pytest.mark.parametrize("per_host", [300, 7000])
def test_build_process_tree_table_in_chunks_builds_as_one(per_host):
    # A DataFrame's columns often arrive in chunks: the core links the
    # columns it needs while it joins the rest, and the result is the same.
    df = many_procs(per_host=per_host)
    df["Kind"] = pd.Categorical(["a", "b", None][i % 3] for i in range(len(df)))  # not a schema column
    table = pa.Table.from_pandas(df, preserve_index=False)
    chunked = pa.Table.from_batches(table.to_batches(max_chunksize=table.num_rows // 3 + 1))
    assert chunked.column("CommandLine").num_chunks == 3
    whole = huntkit.build_process_tree(table.combine_chunks(), schema="4688")
    parts = huntkit.build_process_tree(chunked, schema="4688")
    pd.testing.assert_frame_equal(pd.DataFrame(parts), pd.DataFrame(whole))
    assert parts.Kind.dtype == "category" and parts.Kind[~parts.IsInferred].isna().sum() > 0
    assert parts.stats() == whole.stats() and parts.to_text() == whole.to_text()
    text = parts._handle.frame().to_pandas()  # every input column reached the tree
    assert list(text.columns) == list(parts.columns)


def test_build_process_tree_polars_categoricals_and_nulls():
    df = procs()
    df.loc[2, "SubjectUserName"] = None
    plain = huntkit.build_process_tree(df, schema="4688")
    cats = pl.from_pandas(df).with_columns(pl.col("NewProcessName").cast(pl.Categorical),
                                           pl.col("Computer").cast(pl.Utf8).cast(pl.Categorical))
    tree = huntkit.build_process_tree(cats, schema="4688")
    assert tree.proc_key.tolist() == plain.proc_key.tolist()
    assert tree.NewProcessName.tolist() == plain.NewProcessName.tolist()  # read as their text
    assert tree.SubjectUserName.isna().sum() == plain.SubjectUserName.isna().sum() == 3  # 1 null + 2 inferred


def test_build_process_tree_null_and_wrong_typed_schema_cells():
    df = procs()
    df["NewProcessId"] = [16, 32, 48, 64, 16]  # numbers where the schema has hex text: read as numbers
    df["ProcessId"] = [4, 16, 16, 48, 4]
    tree = huntkit.build_process_tree(df, schema="4688")
    assert tree.summary()["LargestTreeDepth"] == 4 and tree.NewProcessId.dtype == "Int64"
    nulls = procs().astype({"TimeGenerated": object})
    nulls.loc[3, "TimeGenerated"] = None
    with pytest.raises(HuntkitError) as e:
        huntkit.build_process_tree(nulls, schema="4688")
    assert "TimeGenerated" in str(e.value) and "row 3" in str(e.value)


@pytest.mark.parametrize("call", ["build_process_tree", "sessionize", "score_sessions", "timeseries", "decode"])
def test_a_missing_column_gives_the_clis_message(call):
    # `huntkit proctree/sessions/timeseries/decode` on the same table as CSV print these after "huntkit: "
    ev = "(columns: UserId, TimeGenerated, Operation)"
    cases = {
        "build_process_tree": (lambda: huntkit.build_process_tree(procs().drop(columns=["NewProcessId"]),
                                                                  schema="4688"),
                               'column "NewProcessId" not in table (columns: TimeGenerated, Computer, EventID, '
                               'NewProcessName, ProcessId, ParentProcessName, CommandLine, SubjectUserName)'),
        "sessionize": (lambda: huntkit.sessionize(events(), "User", "TimeGenerated", "Operation"),
                       f'column "User" not in table {ev}'),
        "score_sessions": (lambda: huntkit.score_sessions(events(), "nope"), f'column "nope" not in table {ev}'),
        "timeseries": (lambda: huntkit.timeseries_anomalies_stl(events(), data_column="Count"),
                       f'column "Count" not in table {ev}'),
        "decode": (lambda: huntkit.decode(events(), column="Cmd"), f'column "Cmd" not in table {ev}'),
    }
    run, message = cases[call]
    with pytest.raises(HuntkitError) as e:
        run()
    assert str(e.value) == message and e.value.kind == "missing_column"


def test_a_panic_in_the_core_is_a_huntkit_error_not_a_crash():
    with pytest.raises(HuntkitError) as e:
        huntkit._core._panic_check("boom 42")
    assert e.value.kind == "internal"
    assert str(e.value) == "internal error in huntkit (please report it): boom 42"
    assert huntkit.ioc_extract("see 8.8.8.8").Observable.tolist() == ["8.8.8.8"]  # the process goes on


def test_build_process_tree_bad_input():
    with pytest.raises(HuntkitError) as e:
        huntkit.build_process_tree(procs().drop(columns=["NewProcessId"]), schema="4688")
    assert "NewProcessId" in str(e.value)
    with pytest.raises(HuntkitError) as e:
        huntkit.build_process_tree(procs(), schema="windows95")
    assert e.value.kind == "invalid_option" and "one of 4688, linux, sysmon" in str(e.value)
    bad = procs().astype({"TimeGenerated": str})
    bad.loc[2, "TimeGenerated"] = "later"
    with pytest.raises(HuntkitError, match='"later" is not a time'):
        huntkit.build_process_tree(bad, schema="4688")
    tree = huntkit.build_process_tree(procs(), schema="4688")
    with pytest.raises(HuntkitError, match="no process 99"):
        tree.children(99)
    with pytest.raises(ValueError, match="not both"):
        huntkit.build_process_tree(procs(), schema="4688", mapping={})


# --------------------------------------------------------------------------
# Results into the views
# --------------------------------------------------------------------------


def test_results_go_into_the_views():
    tree = huntkit.build_process_tree(procs(), schema="4688")
    bundle = tree.huntkit.process_tree(legend_col="SubjectUserName")
    # the view gets the events (the browser builds the tree again), not the tree rows
    assert bundle["kind"] == "process_tree" and bundle["data"][0]["rows"] == 5
    assert bundle["options"]["schema"] == "4688"
    stl = huntkit.timeseries_anomalies_stl(series(), data_column="Total")
    assert stl.huntkit.timeseries_anomalies()["kind"] == "anomalies"
    sessions = huntkit.sessionize(events(), "UserId", "TimeGenerated", "Operation")
    scored = huntkit.score_sessions(sessions, "Operation_list", 2)
    assert scored.huntkit.session_scores()["kind"] == "session_scores"
    iocs = huntkit.ioc_extract(frame_with_nulls())
    assert iocs.huntkit.matrix(x="IoCType", y="Input")["kind"] == "matrix"


# --------------------------------------------------------------------------
# What a MSTICPy user types: numpy options, numeric categoricals, nulls,
# Series, MSTICPy-only arguments, results into the views
# --------------------------------------------------------------------------


def test_a_missing_tree_column_lists_every_input_column_as_the_cli_does():
    # `huntkit proctree --schema 4688` on this table as CSV lists Extra too
    df = procs().drop(columns=["NewProcessId"]).assign(Extra=1)
    with pytest.raises(HuntkitError) as e:
        huntkit.build_process_tree(df, schema="4688")
    assert str(e.value) == (
        'column "NewProcessId" not in table (columns: TimeGenerated, Computer, EventID, NewProcessName, '
        'ProcessId, ParentProcessName, CommandLine, SubjectUserName, Extra)')
    mapping = {"time_stamp": "TimeGenerated", "process_name": "NewProcessName",
               "process_id": "Pid", "parent_id": "ProcessId"}
    with pytest.raises(HuntkitError, match=r'column "Pid" not in table \(columns: .*SubjectUserName, Extra\)'):
        huntkit.build_process_tree(df, mapping=mapping)


def test_numpy_numbers_are_options_and_wrong_types_name_the_option():
    import numpy as np

    df = series()
    plain = huntkit.timeseries_anomalies_stl(df, data_column="Total", period=24, seasonal=7)
    numpy = huntkit.timeseries_anomalies_stl(df, data_column="Total", period=np.int64(24),
                                             seasonal=np.int32(7), score_threshold=np.float32(3))
    assert numpy.equals(plain)
    with pytest.raises(TypeError, match="seasonal must be a whole number, not '7'"):
        huntkit.timeseries_anomalies_stl(df, data_column="Total", seasonal="7")
    with pytest.raises(HuntkitError, match="seasonal"):
        huntkit.timeseries_anomalies_stl(df, data_column="Total", seasonal=np.int64(8))  # the core's bound
    sessions = huntkit.sessionize(events(), "UserId", "TimeGenerated", "Operation",
                                  max_session_time_mins=np.int64(20), max_event_separation_mins=np.float64(2))
    assert sessions.number_events.tolist() == [5, 4]
    scored = huntkit.score_sessions(sessions, "Operation_list", window_length=np.int64(2))
    assert "rarest_window2_likelihood" in scored.columns
    with pytest.raises(ValueError, match="window_length must be a whole number ≥ 1, not 0"):
        huntkit.score_sessions(sessions, "Operation_list", window_length=np.int64(0))
    assert len(huntkit.decode(ENCODED, max_depth=np.int64(2))) == 1
    clusters = huntkit.cluster_events(pd.DataFrame({"TimeGenerated": pd.date_range("2024", periods=4, freq="h", tz="UTC"),
                                                    "a": [0.0, 0.0, 1.0, 1.0], "b": [1.0, 1.0, 0.0, 0.0]}),
                                      cluster_columns=["a", "b"], max_cluster_distance=np.float64(0.1),
                                      min_cluster_samples=np.int64(2))
    assert clusters.attrs["cluster_count"] == 2


def test_numeric_categoricals_are_read_as_their_numbers():
    df = series()
    cat = df.assign(Total=pd.Categorical(df.Total.round().astype(int)))
    out = huntkit.timeseries_anomalies_stl(cat, data_column="Total")
    assert out.Total.sum() == df.Total.round().sum()
    ev = events().assign(UserId=pd.Categorical([7] * 5 + [9] * 4))
    sessions = huntkit.sessionize(ev, "UserId", "TimeGenerated", "Operation")
    assert sessions.UserId.tolist() == [7, 9]
    assert isinstance(sessions.UserId.dtype, pd.CategoricalDtype)
    assert sessions.UserId.cat.categories.dtype.kind == "i"  # numbers, as they went in
    df = procs().assign(NewProcessId=pd.Categorical([16, 32, 48, 64, 16]), ProcessId=[4, 16, 16, 48, 4])
    assert huntkit.build_process_tree(df, schema="4688").summary()["LargestTreeDepth"] == 4


def test_null_cells_are_called_empty_not_quoted():
    ts = series()
    ts.loc[5, "TimeGenerated"] = pd.NaT  # a null time is skipped, as a blank CSV cell
    assert len(huntkit.timeseries_anomalies_stl(ts, data_column="Total")) == len(series())
    tree = procs()
    tree.loc[2, "TimeGenerated"] = pd.NaT
    with pytest.raises(HuntkitError) as e:
        huntkit.build_process_tree(tree, schema="4688")
    assert str(e.value) == 'row 2 of column "TimeGenerated" is empty (null or missing): it must be a time'
    pids = procs().assign(NewProcessId=[16.0, None, 48.0, 64.0, 16.0], ProcessId=[4, 16, 16, 48, 4])
    with pytest.raises(HuntkitError) as e:
        huntkit.build_process_tree(pids, schema="4688")
    assert str(e.value) == 'row 1 of column "NewProcessId" is empty (null or missing): it must be a process id'
    assert e.value.kind == "bad_value"


def test_series_and_arrays_are_one_column_tables():
    cmds = pd.Series(["ping 10.0.0.1", None, "curl http://x.example.com/a"], name="Cmd")
    expected = huntkit.ioc_extract(cmds.to_frame())
    assert huntkit.ioc_extract(cmds).equals(expected)
    assert huntkit.ioc_extract(pl.from_pandas(cmds)).equals(expected)
    unnamed = huntkit.ioc_extract(pd.Series(["see 8.8.8.8"]))
    assert unnamed.Input.tolist() == ["value"]
    assert huntkit.ioc_extract(pa.array(["see 8.8.8.8"])).Refanged.tolist() == ["8.8.8.8"]
    assert len(huntkit.decode(pd.Series([ENCODED, "plain"], name="Cmd"), column="Cmd")) == 1


def test_msticpys_own_arguments_are_taken(capsys):
    df = pd.DataFrame({"Cmd": [ENCODED, "nothing"]})
    assert huntkit.unpack_df(df, column="Cmd", trace=True, utf16=True).equals(huntkit.decode(df, column="Cmd"))
    tree = huntkit.build_process_tree(procs(), schema="4688", show_summary=True, debug=True)
    printed = capsys.readouterr().out
    assert "Processes: 7" in printed and "LargestTreeDepth: 4" in printed
    assert tree.summary()["Processes"] == 7


def test_tree_nodes_count_from_the_end_and_trees_copy_and_pickle():
    import pickle

    tree = huntkit.build_process_tree(procs(), schema="4688")
    last = len(tree) - 1
    assert tree.ancestors(-1).equals(tree.ancestors(last))
    with pytest.raises(HuntkitError, match="no process -99: the tree has 7 rows"):
        tree.children(-99)
    copied = tree.copy()
    assert isinstance(copied, huntkit.ProcessTree) and copied.equals(tree)
    assert copied.descendants(0).equals(tree.descendants(0))
    assert copied.attrs == tree.attrs
    back = pickle.loads(pickle.dumps(tree))
    assert isinstance(back, huntkit.ProcessTree) and back.equals(tree)
    assert back.to_text() == tree.to_text() and back.roots().equals(tree.roots())
    assert back.huntkit.process_tree()["options"]["schema"] == "4688"
    assert type(tree[tree.depth > 0]) is pd.DataFrame  # a filtered copy is not a tree


@pytest.mark.parametrize("kind", ["pandas", "polars"])
def test_session_results_go_into_the_timelines_without_naming_the_time(kind):
    ev = events() if kind == "pandas" else pl.from_pandas(events())
    sessions = huntkit.sessionize(ev, "UserId", "TimeGenerated", "Operation")
    bundle = sessions.huntkit.timeline(group_by="UserId")
    assert bundle["options"]["time_column"] == "TimeGenerated_min"
    duration = sessions.huntkit.timeline_duration(group_by="UserId")
    assert (duration["options"]["time_column"], duration["options"]["end_time_column"]) == (
        "TimeGenerated_min", "TimeGenerated_max")
    iocs_times = pd.DataFrame({"When": pd.date_range("2024", periods=2, freq="h", tz="UTC"), "n": [1, 2]})
    assert huntkit.timeline_values(iocs_times, y="n")["options"]["time_column"] == "When"
    with pytest.raises(KeyError, match="TimeGenerated"):  # no time column to take: named, as before
        huntkit.timeline(pd.DataFrame({"a": [1]}))


def test_the_anomalies_view_scores_a_raw_series_given_stl_options():
    raw = series()
    bundle = huntkit.timeseries_anomalies(raw, data_column="Total", period=24)
    expected = huntkit.timeseries_anomalies_stl(raw, data_column="Total", period=24).huntkit.timeseries_anomalies()
    assert bundle == expected and bundle["options"]["y"] == "Total"
    assert raw.huntkit.timeseries_anomalies(data_column="Total")["kind"] == "anomalies"
    with pytest.raises(HuntkitError, match='column "Count" not in table'):
        huntkit.timeseries_anomalies(raw, data_column="Count")


@pytest.mark.parametrize("tz", ["UTC", None])
def test_anomaly_periods_on_polars_and_naive_times(tz):
    scored = huntkit.timeseries_anomalies_stl(series(tz), data_column="Total")
    periods = huntkit.anomaly_periods(pl.from_pandas(scored))
    assert periods.start.tolist() == [pd.Timestamp("2024-01-09T07:00Z")]
    assert periods.end.tolist() == [pd.Timestamp("2024-01-09T09:00Z")]
