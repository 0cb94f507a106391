"""The Python helper: bundles decoded back with pyarrow, options, errors, display."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pyarrow as pa
import pytest

import huntkit
from huntkit.bundle import iso_utc

pd = pytest.importorskip("pandas")

MIME = "application/vnd.huntkit.view+json"


def decode(entry: dict) -> pa.Table:
    raw = base64.b64decode(entry["arrow"], validate=True)
    with pa.ipc.open_stream(pa.py_buffer(raw)) as reader:
        return reader.read_all()


def table_of(bundle: dict, i: int = 0) -> pa.Table:
    return decode(bundle["data"][i])


@pytest.fixture
def logons() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "TimeGenerated": pd.to_datetime(
                ["2024-03-04T10:00:00Z", "2024-03-04T10:05:30.250Z", "2024-03-04T11:00:00Z", "2024-03-05T00:00:00Z"],
                format="ISO8601",
            ),
            "Computer": ["dc-01", "wks-1", "dc-01", "wks-2"],
            "Account": ["alice", "bob", "alice", None],
            "Failures": [0, 3, 1, 7],
            "Bytes": [1.5, float("nan"), 2.25, 4.0],
        }
    )


# ---------------------------------------------------------------- the bundle


def test_bundle_shape_and_json(logons):
    b = huntkit.view_bundle("timeline", logons, group_by="Computer", title="Logons")
    assert b["version"] == 1 and b["kind"] == "timeline"
    assert b["options"] == {"time_column": "TimeGenerated", "group_by": "Computer", "title": "Logons"}
    assert [set(d) for d in b["data"]] == [{"label", "arrow", "rows"}]
    assert b["data"][0]["rows"] == 4
    assert json.loads(json.dumps(b)) == b  # plain JSON, storable in an .ipynb
    b["data"][0]["arrow"].encode("ascii")


def test_stream_is_lz4_compressed(logons):
    big = pd.concat([logons] * 500, ignore_index=True)
    b = huntkit.view_bundle("timeline", big)
    raw = base64.b64decode(b["data"][0]["arrow"])
    plain = pa.BufferOutputStream()
    t = table_of(b)
    with pa.ipc.new_stream(plain, t.schema) as w:
        w.write_table(t)
    assert len(raw) < plain.getvalue().size / 2  # repetitive data shrinks
    assert t.num_rows == 2000
    assert not t.schema.metadata  # no pandas metadata blob in the bundle


def test_values_round_trip(logons):
    t = table_of(huntkit.view_bundle("timeline", logons))
    assert t.column_names == ["TimeGenerated", "Computer", "Account", "Failures", "Bytes"]
    assert t["Computer"].to_pylist() == logons["Computer"].tolist()
    assert t["Account"].to_pylist() == ["alice", "bob", "alice", None]
    assert pa.types.is_integer(t.schema.field("Failures").type)
    assert t["Failures"].to_pylist() == [0, 3, 1, 7]
    assert t["Bytes"].to_pylist() == [1.5, None, 2.25, 4.0]  # NaN is a null


def test_tz_aware_times_keep_zone_and_instant():
    times = pd.to_datetime(["2024-03-04 10:00", "2024-03-04 23:30"]).tz_localize("Europe/Berlin")
    t = table_of(huntkit.view_bundle("timeline", pd.DataFrame({"TimeGenerated": times})))
    typ = t.schema.field("TimeGenerated").type
    assert pa.types.is_timestamp(typ) and typ.tz == "Europe/Berlin"
    got = [v.astimezone(dt.timezone.utc) for v in t["TimeGenerated"].to_pylist()]
    assert got == [v.to_pydatetime().astimezone(dt.timezone.utc) for v in times]
    assert got[0] == dt.datetime(2024, 3, 4, 9, 0, tzinfo=dt.timezone.utc)


def test_naive_times_stay_naive():
    times = pd.to_datetime(["2024-03-04 10:00:00.123", None, "2024-03-05 01:02:03"], format="ISO8601")
    t = table_of(huntkit.view_bundle("timeline", pd.DataFrame({"When": times}), time_column="When"))
    typ = t.schema.field("When").type
    assert pa.types.is_timestamp(typ) and typ.tz is None
    assert t["When"].to_pylist() == [dt.datetime(2024, 3, 4, 10, 0, 0, 123000), None, dt.datetime(2024, 3, 5, 1, 2, 3)]


def test_text_times_are_parsed_as_utc_instants():
    df = pd.DataFrame({"TimeGenerated": ["2024-03-04T10:00:00Z", "2024-03-04T12:00:00+02:00", None, "2024-03-04 11:00:00"],
                       "n": [1, 2, 3, 4]})
    t = table_of(huntkit.view_bundle("timeline", df))
    assert t.schema.field("TimeGenerated").type == pa.timestamp("us", tz="UTC")
    utc = dt.timezone.utc
    assert t["TimeGenerated"].to_pylist() == [
        dt.datetime(2024, 3, 4, 10, tzinfo=utc), dt.datetime(2024, 3, 4, 10, tzinfo=utc), None,
        dt.datetime(2024, 3, 4, 11, tzinfo=utc),
    ]


def test_categorical_time_column_is_decoded():
    times = pd.Categorical(pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-02"]))
    t = table_of(huntkit.view_bundle("timeline", pd.DataFrame({"TimeGenerated": times})))
    assert t.schema.field("TimeGenerated").type == pa.timestamp("us") or pa.types.is_timestamp(t.schema.field("TimeGenerated").type)
    assert t["TimeGenerated"].to_pylist() == [dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 2)]


def test_categorical_is_dictionary():
    df = pd.DataFrame({"TimeGenerated": pd.date_range("2024-01-01", periods=4, freq="min"),
                       "Status": pd.Categorical(["ok", "fail", None, "ok"])})
    t = table_of(huntkit.view_bundle("timeline", df))
    typ = t.schema.field("Status").type
    assert pa.types.is_dictionary(typ) and pa.types.is_string(typ.value_type) or pa.types.is_large_string(typ.value_type)
    assert t["Status"].to_pylist() == ["ok", "fail", None, "ok"]


def test_nullable_ints_bools_and_strings():
    df = pd.DataFrame({
        "TimeGenerated": pd.date_range("2024-01-01", periods=3, freq="s", tz="UTC"),
        "i": pd.array([1, None, 3], dtype="Int64"),
        "b": pd.array([True, None, False], dtype="boolean"),
        "plain_bool": [True, False, True],
        "s": pd.array(["a", None, "c"], dtype="string"),
        "o": pd.Series(["x", None, "z"], dtype=object),
        "f32": pd.array([1.5, 2.5, None], dtype="Float32"),
    })
    t = table_of(huntkit.view_bundle("timeline", df))
    assert t["i"].to_pylist() == [1, None, 3] and pa.types.is_int64(t.schema.field("i").type)
    assert t["b"].to_pylist() == [True, None, False] and pa.types.is_boolean(t.schema.field("b").type)
    assert t["plain_bool"].to_pylist() == [True, False, True]
    assert t["s"].to_pylist() == ["a", None, "c"]
    assert t["o"].to_pylist() == ["x", None, "z"]
    assert t["f32"].to_pylist() == [1.5, 2.5, None]


def test_mixed_object_column_becomes_text():
    df = pd.DataFrame({"TimeGenerated": pd.date_range("2024-01-01", periods=5, freq="s"),
                       "mixed": pd.Series([1, "two", 3.5, None, b"\xffraw"], dtype=object),
                       "lists": pd.Series([[1, 2], None, ["a"], [], [3]], dtype=object)})
    t = table_of(huntkit.view_bundle("timeline", df))
    assert pa.types.is_string(t.schema.field("mixed").type) or pa.types.is_large_string(t.schema.field("mixed").type)
    assert t["mixed"].to_pylist() == ["1", "two", "3.5", None, "\\xffraw"]
    assert t["lists"].to_pylist() == ["[1, 2]", None, "['a']", "[]", "[3]"]


def test_timedelta_becomes_int_milliseconds():
    df = pd.DataFrame({"TimeGenerated": pd.date_range("2024-01-01", periods=3, freq="s"),
                       "took": pd.to_timedelta(["1.5s", None, "2min"])})
    t = table_of(huntkit.view_bundle("timeline", df))
    assert pa.types.is_int64(t.schema.field("took").type)
    assert t["took"].to_pylist() == [1500, None, 120_000]


def test_named_index_becomes_a_column_unnamed_is_dropped(logons):
    named = logons.set_index("TimeGenerated")
    t = table_of(huntkit.view_bundle("timeline", named))
    assert t.column_names[0] == "TimeGenerated"
    assert t.num_rows == 4 and "index" not in t.column_names
    unnamed = logons.set_axis([10, 20, 30, 40])
    assert "index" not in table_of(huntkit.view_bundle("timeline", unnamed)).column_names
    with pytest.raises(ValueError, match="'Computer' is also a column"):
        huntkit.view_bundle("timeline", logons.set_index(pd.Index(["a"] * 4, name="Computer")))


def test_arrow_table_record_batch_and_durations():
    tbl = pa.table({"TimeGenerated": pa.array([0, 60_000], pa.timestamp("ms")),
                    "d": pa.array([1_000_000, 2_500_000_000], pa.duration("us")),
                    "dec": pa.array([1, 2], pa.decimal128(5, 2)).cast(pa.decimal128(5, 2)),
                    "raw": pa.array([b"ab", None], pa.binary()),
                    "nested": pa.array([{"k": 1}, None])})
    for data in (tbl, tbl.to_batches()[0]):
        t = table_of(huntkit.view_bundle("timeline", data))
        assert t["d"].to_pylist() == [1000, 2_500_000]
        assert t["dec"].to_pylist() == [1.0, 2.0]
        assert t["raw"].to_pylist() == ["ab", None]
        assert t["nested"].to_pylist() == ['{"k": 1}', None]
        assert t.schema.field("TimeGenerated").type == pa.timestamp("ms")


def test_polars_frame():
    pl = pytest.importorskip("polars")
    df = pl.DataFrame({"TimeGenerated": [dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 2)], "Computer": ["a", "b"]})
    t = table_of(huntkit.view_bundle("timeline", df, group_by="Computer"))
    assert t["Computer"].to_pylist() == ["a", "b"]
    assert t["TimeGenerated"].to_pylist() == [dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 2)]
    with pytest.raises(TypeError, match="collect"):
        huntkit.view_bundle("timeline", df.lazy())


def test_empty_table_gives_a_bundle(logons):
    b = huntkit.view_bundle("timeline", logons.iloc[0:0], group_by="Computer")
    assert b["data"][0]["rows"] == 0
    t = table_of(b)
    assert t.num_rows == 0 and pa.types.is_timestamp(t.schema.field("TimeGenerated").type)
    untyped = pd.DataFrame({"TimeGenerated": pd.Series([], dtype=object)})
    assert table_of(huntkit.view_bundle("timeline", untyped)).num_rows == 0


# ---------------------------------------------------------------- options


def test_source_columns_limit_what_is_shipped(logons):
    b = huntkit.view_bundle("timeline", logons, group_by="Computer", source_columns=["Account"])
    assert table_of(b).column_names == ["TimeGenerated", "Computer", "Account"]
    assert b["options"]["source_columns"] == ["Account"]
    assert table_of(huntkit.view_bundle("timeline", logons)).num_columns == 5


def test_ref_event_and_ref_time(logons):
    b = huntkit.view_bundle("timeline", logons, ref_event=logons.iloc[1])
    assert b["options"]["ref_time"] == "2024-03-04T10:05:30.250Z"
    assert b["options"]["ref_label"]
    b = huntkit.view_bundle("timeline", logons, ref_event=logons.iloc[[1]], ref_label="first fail")
    assert (b["options"]["ref_time"], b["options"]["ref_label"]) == ("2024-03-04T10:05:30.250Z", "first fail")
    for when in ("2024-03-04T12:05:30.25+02:00", dt.datetime(2024, 3, 4, 10, 5, 30, 250000),
                 pd.Timestamp("2024-03-04 05:05:30.25", tz="US/Eastern"), 1709546730250):
        assert huntkit.view_bundle("timeline", logons, ref_time=when)["options"]["ref_time"] == "2024-03-04T10:05:30.250Z"
    with pytest.raises(ValueError, match="ref_time"):
        huntkit.view_bundle("timeline", logons, ref_time="last tuesday")
    with pytest.raises(ValueError, match="not both"):
        huntkit.view_bundle("timeline", logons, ref_time=0, ref_event=logons.iloc[0])
    with pytest.raises(KeyError, match="TimeGenerated"):
        huntkit.view_bundle("timeline", logons, ref_event={"other": 1})


def test_iso_utc_numpy():
    import numpy as np

    assert iso_utc(np.datetime64("2024-03-04T10:05:30.250123")) == "2024-03-04T10:05:30.250Z"


def test_timeline_values_options(logons):
    b = huntkit.view_bundle("timeline_values", logons, y="Failures", group_by="Computer", kind="line")
    assert b["options"]["kind"] == ["line"] and b["options"]["y"] == "Failures"
    b = huntkit.view_bundle("timeline_values", logons, y="Failures", kind=["circle", "vbar"], source_columns="Account")
    assert b["options"]["kind"] == ["circle", "vbar"]
    assert table_of(b).column_names == ["TimeGenerated", "Account", "Failures"]
    assert huntkit.view_bundle("timeline_values", logons, y="Bytes")["options"]["kind"] == ["vbar"]
    with pytest.raises(ValueError, match="'bar'"):
        huntkit.view_bundle("timeline_values", logons, y="Failures", kind=["bar"])
    with pytest.raises(ValueError, match="y 'Computer'.*numbers"):
        huntkit.view_bundle("timeline_values", logons, y="Computer")


def test_timeline_duration_options(logons):
    df = logons.assign(End=logons["TimeGenerated"] + pd.Timedelta("5min"))
    b = huntkit.view_bundle("timeline_duration", df, group_by="Computer", end_time_column="End", source_columns=[])
    assert b["options"]["group_by"] == ["Computer"] and b["options"]["end_time_column"] == "End"
    b = huntkit.view_bundle("timeline_duration", df, group_by=["Computer", "Account"], source_columns=["Failures"])
    assert b["options"]["group_by"] == ["Computer", "Account"]
    assert table_of(b).column_names == ["TimeGenerated", "Computer", "Account", "Failures"]
    with pytest.raises(ValueError, match="group_by"):
        huntkit.view_bundle("timeline_duration", df)
    with pytest.raises(KeyError, match="'Stop'"):
        huntkit.view_bundle("timeline_duration", df, group_by="Computer", end_time_column="Stop")


def test_matrix_options(logons):
    b = huntkit.view_bundle("matrix", logons, x="Computer", y="Account", value_col="Failures", dist_count=True,
                            log_size=True, invert=False, sort="DESC", sort_x=None, max_label_len=10,
                            source_columns=["Bytes"])
    assert b["options"] == {"x": "Computer", "y": "Account", "value_col": "Failures", "dist_count": True,
                            "log_size": True, "invert": False, "sort": "desc", "sort_x": None,
                            "max_label_len": 10, "source_columns": ["Bytes"]}
    assert "time_column" not in b["options"]
    assert table_of(b).column_names == ["Computer", "Account", "Failures", "Bytes"]
    no_time = logons.drop(columns="TimeGenerated")
    assert huntkit.view_bundle("matrix", no_time, x="Computer", y="Account")["data"][0]["rows"] == 4
    with pytest.raises(ValueError, match="value_col"):
        huntkit.view_bundle("matrix", logons, x="Computer", y="Account", dist_count=True)
    with pytest.raises(ValueError, match="value_col 'Account'.*numbers.*dist_count"):
        huntkit.view_bundle("matrix", logons, x="Computer", y="Computer", value_col="Account")
    counted = huntkit.view_bundle("matrix", logons, x="Computer", y="Computer", value_col="Account", dist_count=True)
    assert counted["options"]["dist_count"] is True
    with pytest.raises(ValueError, match="sort_y"):
        huntkit.view_bundle("matrix", logons, x="Computer", y="Account", sort_y="up")
    with pytest.raises(ValueError, match="max_label_len"):
        huntkit.view_bundle("matrix", logons, x="Computer", y="Account", max_label_len=0)


def test_multi_dataset_timeline(logons):
    alerts = pd.DataFrame({"AlertTime": pd.to_datetime(["2024-03-04T10:06:00Z"]), "Computer": ["wks-1"]})
    b = huntkit.view_bundle("timeline", {"logons": logons,
                                         "alerts": {"data": alerts, "time_column": "AlertTime", "color": "red"}},
                            group_by="Computer", title="Both")
    assert [d["label"] for d in b["data"]] == ["logons", "alerts"]
    assert [d["rows"] for d in b["data"]] == [4, 1]
    assert "time_column" not in b["data"][0] and b["data"][1]["time_column"] == "AlertTime"
    assert b["data"][1]["color"] == "red"
    assert table_of(b, 1)["Computer"].to_pylist() == ["wks-1"]
    assert huntkit.show  # noqa
    with pytest.raises(KeyError, match=r"group_by 'Account' is not a column of data set 'alerts'"):
        huntkit.view_bundle("timeline", {"logons": logons, "alerts": {"data": alerts, "time_column": "AlertTime"}},
                            group_by="Account")
    with pytest.raises(ValueError, match="only a timeline"):
        huntkit.view_bundle("matrix", {"a": logons}, x="Computer", y="Account")
    with pytest.raises(ValueError, match="'colour'"):
        huntkit.view_bundle("timeline", {"a": {"data": logons, "colour": "red"}})


def test_single_set_label_and_color(logons):
    b = huntkit.view_bundle("timeline", logons, label="logons", color="#ff0000")
    assert b["data"][0]["label"] == "logons" and b["data"][0]["color"] == "#ff0000"


# ---------------------------------------------------------------- errors


def test_unknown_kind_and_option(logons):
    with pytest.raises(ValueError, match="'timelines'.*timeline, timeline_values"):
        huntkit.view_bundle("timelines", logons)
    with pytest.raises(ValueError, match="'groupby'"):
        huntkit.view_bundle("timeline", logons, groupby="Computer")
    with pytest.raises(ValueError, match="'value_col'.*timeline"):
        huntkit.view_bundle("timeline", logons, value_col="Failures")


@pytest.mark.parametrize(
    "kind, options, missing",
    [
        ("timeline", {"time_column": "EventTime"}, "time_column 'EventTime'"),
        ("timeline", {"group_by": "Host"}, "group_by 'Host'"),
        ("timeline", {"source_columns": ["Account", "Process"]}, "source_columns 'Process'"),
        ("timeline_values", {"y": "Count"}, "y 'Count'"),
        ("timeline_duration", {"group_by": ["Computer", "User"]}, "group_by 'User'"),
        ("matrix", {"x": "Host", "y": "Account"}, "x 'Host'"),
        ("matrix", {"x": "Computer", "y": "User"}, "y 'User'"),
        ("matrix", {"x": "Computer", "y": "Account", "value_col": "Total"}, "value_col 'Total'"),
    ],
)
def test_missing_columns_are_named(logons, kind, options, missing):
    with pytest.raises(KeyError) as err:
        huntkit.view_bundle(kind, logons, **options)
    assert missing in str(err.value)
    assert "Computer" in str(err.value)  # the columns that do exist are listed


@pytest.mark.parametrize("values", [[1, 2], [1.5, 2.5], [True, False]])
def test_numeric_time_column_rejected(values):
    df = pd.DataFrame({"TimeGenerated": values})
    with pytest.raises(ValueError, match="time_column 'TimeGenerated'.*not times"):
        huntkit.view_bundle("timeline", df)


def test_unparsable_text_time_column_rejected():
    df = pd.DataFrame({"When": ["2024-03-04T10:00:00Z", "2024-03-04 11:00", "yesterday"]})
    with pytest.raises(ValueError, match="time_column 'When'.*'yesterday'"):
        huntkit.view_bundle("timeline", df, time_column="When")


def test_all_null_time_column_rejected():
    with pytest.raises(ValueError, match="'TimeGenerated'.*null"):
        huntkit.view_bundle("timeline", pd.DataFrame({"TimeGenerated": [None, None]}))


def test_bad_data_and_duplicate_columns():
    with pytest.raises(TypeError, match="list"):
        huntkit.view_bundle("timeline", [1, 2])
    df = pd.DataFrame([[1, 2]], columns=["a", "a"])
    with pytest.raises(ValueError, match="duplicate.*'a'"):
        huntkit.view_bundle("matrix", df, x="a", y="a")


# ---------------------------------------------------------------- display and accessor


@pytest.fixture
def shell():
    from IPython.core.interactiveshell import InteractiveShell

    return InteractiveShell.instance()


def test_display_sends_the_raw_mime_bundle(shell, logons):
    from IPython.utils.capture import capture_output

    with capture_output() as cap:
        ret = huntkit.timeline({"a": logons, "b": logons.iloc[:1]}, group_by="Computer")
    assert ret is None
    (out,) = cap.outputs
    assert set(out.data) == {MIME, "text/plain"}
    assert out.data["text/plain"] == "<huntkit timeline: 5 events in 2 data sets>"
    assert out.data[MIME] == huntkit.view_bundle("timeline", {"a": logons, "b": logons.iloc[:1]}, group_by="Computer")


@pytest.mark.parametrize(
    "call, kind, text",
    [
        (lambda df: huntkit.timeline_values(df, "Failures", kind="circle"), "timeline_values", "4 events in 1 data set"),
        (lambda df: huntkit.timeline_duration(df, "Computer"), "timeline_duration", "4 events"),
        (lambda df: huntkit.matrix(df, "Computer", "Account"), "matrix", "4 events"),
        (lambda df: df.huntkit.timeline(group_by="Account"), "timeline", "4 events"),
        (lambda df: df.huntkit.timeline_values("Bytes"), "timeline_values", "4 events"),
        (lambda df: df.huntkit.timeline_duration(["Computer"]), "timeline_duration", "4 events"),
        (lambda df: df.huntkit.matrix("Computer", "Account", value_col="Failures"), "matrix", "4 events"),
    ],
)
def test_each_display_function(monkeypatch, shell, logons, call, kind, text):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: shown.append((obj, raw)))
    assert call(logons) is None
    ((obj, raw),) = shown
    assert raw is True
    assert obj[MIME]["kind"] == kind and obj[MIME]["version"] == 1
    assert obj["text/plain"].startswith(f"<huntkit {kind}: ") and text in obj["text/plain"]


def test_display_outside_ipython_returns_the_bundle(monkeypatch, logons):
    monkeypatch.setattr("IPython.get_ipython", lambda: None)
    b = huntkit.timeline(logons)
    assert b == huntkit.view_bundle("timeline", logons)


def test_accessor_view_bundle(logons):
    b = logons.huntkit.view_bundle("timeline_values", y="Failures", kind=["line"])
    assert b == huntkit.view_bundle("timeline_values", logons, y="Failures", kind=["line"])
    with pytest.raises(KeyError, match="'Nope'"):
        logons.huntkit.matrix("Computer", "Nope")


# --- anomalies and scored sessions (issue #4's views) ----------------------


def _stl_output() -> pd.DataFrame:
    times = pd.date_range("2024-03-01", periods=48, freq="h", tz="UTC")
    total = [10 + (h % 5) for h in range(48)]
    total[30] = 500
    return pd.DataFrame({
        "TimeGenerated": times, "Total": total, "residual": 0.0, "trend": 11.0, "seasonal": 1.0,
        "weights": 1.0, "baseline": 12.0, "score": [9.5 if h == 30 else 0.1 for h in range(48)],
        "anomalies": [1 if h == 30 else 0 for h in range(48)],
    })


def test_anomalies_bundle_finds_the_value_column():
    bundle = huntkit.view_bundle("anomalies", _stl_output())
    assert bundle["kind"] == "anomalies"
    assert bundle["options"]["y"] == "Total"
    assert bundle["options"]["baseline_col"] == "baseline"
    assert bundle["options"]["anomalies_col"] == "anomalies"
    table = table_of(bundle)
    assert table.column("anomalies").to_pylist()[30] == 1


def test_anomalies_bundle_names_a_missing_baseline():
    df = _stl_output().drop(columns=["baseline"])
    with pytest.raises(KeyError, match="baseline"):
        huntkit.view_bundle("anomalies", df)


def test_session_scores_bundle_guesses_start_and_likelihood():
    df = pd.DataFrame({
        "TimeGenerated_min": pd.to_datetime(["2024-01-01T00:00Z", "2024-01-01T01:00Z"]),
        "TimeGenerated_max": pd.to_datetime(["2024-01-01T00:10Z", "2024-01-01T01:10Z"]),
        "session": [["a", "b"], ["c"]],
        "rarest_window3_likelihood": [0.5, 0.0001],
        "rarest_window3": [["a", "b"], ["c"]],
    })
    bundle = huntkit.view_bundle("session_scores", df)
    assert bundle["options"]["y"] == "rarest_window3_likelihood"
    assert bundle["options"]["time_column"] == "TimeGenerated_min"
    with pytest.raises(ValueError, match="likelihood"):
        huntkit.view_bundle("session_scores", df.drop(columns=["rarest_window3_likelihood"]))


# --------------------------------------------------------------------------
# process_tree (issue #5): raw events in the bundle, the tree is built in wasm
# --------------------------------------------------------------------------


@pytest.fixture
def procs() -> pd.DataFrame:
    """4688 events on two hosts that reuse the same PIDs."""
    return pd.DataFrame(
        {
            "TimeGenerated": pd.to_datetime(
                ["2024-01-01T00:00:00Z", "2024-01-01T00:01:00Z", "2024-01-01T00:00:30Z", "2024-01-01T00:02:00Z"],
                format="ISO8601",
            ),
            "NewProcessName": ["C:\\Windows\\explorer.exe", "C:\\Windows\\System32\\cmd.exe"] * 2,
            "NewProcessId": ["0x10", "0x20", "0x10", "0x20"],
            "ProcessId": ["0x4", "0x10", "0x4", "0x10"],
            "ParentProcessName": ["", "C:\\Windows\\explorer.exe", "", "C:\\Windows\\explorer.exe"],
            "CommandLine": ["explorer.exe", "cmd /c whoami", "explorer.exe", "cmd /c net user"],
            "SubjectUserName": ["alice", "alice", "bob", "bob"],
            "Computer": ["a", "a", "b", "b"],
        }
    )


def test_process_tree_bundle_carries_the_raw_events(procs: pd.DataFrame) -> None:
    b = huntkit.view_bundle("process_tree", procs, schema="4688", legend_col="SubjectUserName",
                            title="procs", time_range=("2024-01-01T00:00:00Z", None))
    assert (b["version"], b["kind"]) == (1, "process_tree")
    assert b["options"] == {"schema": "4688", "legend_col": "SubjectUserName", "title": "procs",
                            "time_range": ["2024-01-01T00:00:00.000Z", None]}
    t = table_of(b)
    assert t.column_names == list(procs.columns)
    assert t.num_rows == 4 and b["data"][0]["rows"] == 4
    assert t.column("Computer").to_pylist() == ["a", "a", "b", "b"]
    assert pa.types.is_timestamp(t.schema.field("TimeGenerated").type)


def test_process_tree_function_and_accessor_display_the_bundle(monkeypatch, shell, procs) -> None:
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: shown.append(obj))
    assert huntkit.process_tree(procs) is None
    assert procs.huntkit.process_tree(legend_col="Computer") is None
    assert [s[MIME]["options"] for s in shown] == [{}, {"legend_col": "Computer"}]
    assert shown[0]["text/plain"] == "<huntkit process_tree: 4 events in 1 data set>"
    monkeypatch.setattr("IPython.get_ipython", lambda: None)
    b = huntkit.process_tree(pa.Table.from_pandas(procs), schema="4688")
    assert b == huntkit.view_bundle("process_tree", procs, schema="4688")


def test_process_tree_errors_name_the_problem(procs: pd.DataFrame) -> None:
    with pytest.raises(KeyError, match="legend_col 'Account' is not a column"):
        huntkit.process_tree(procs, legend_col="Account")
    # issue #13: the core takes aliases and any case; so does the helper now.
    assert huntkit.view_bundle("process_tree", procs, schema="windows")["options"]["schema"] == "windows"
    with pytest.raises(KeyError, match="schema 'Sysmon' needs column 'UtcTime'"):
        huntkit.process_tree(procs, schema="Sysmon")
    with pytest.raises(ValueError, match="schema: 'winlog' is not one of '4688'"):
        huntkit.process_tree(procs, schema="winlog")
    with pytest.raises(KeyError, match="schema 'sysmon' needs column 'UtcTime'"):
        huntkit.process_tree(procs, schema="sysmon")
    with pytest.raises(ValueError, match="unknown option 'group_by' for process_tree"):
        huntkit.process_tree(procs, group_by="Computer")
    with pytest.raises(ValueError, match="no rows"):
        huntkit.process_tree(procs.iloc[:0])
    with pytest.raises(ValueError, match="time_range must be"):
        huntkit.process_tree(procs, time_range="yesterday")


def test_process_tree_mapping_names_your_own_columns(procs: pd.DataFrame) -> None:
    own = procs.rename(columns={"TimeGenerated": "When", "NewProcessName": "Image", "NewProcessId": "Pid",
                                "ProcessId": "ParentPid", "Computer": "Host"})
    mapping = {"time_stamp": "When", "process_name": "Image", "process_id": "Pid", "parent_id": "ParentPid",
               "host_name": "Host", "cmd_line": "CommandLine", "event_id": 4688, "user_name": None}
    b = huntkit.view_bundle("process_tree", own, mapping=mapping)
    assert b["options"] == {"mapping": {"time_stamp": "When", "process_name": "Image", "process_id": "Pid",
                                        "parent_id": "ParentPid", "host_name": "Host",
                                        "cmd_line": "CommandLine", "event_id": "4688"}}
    with pytest.raises(ValueError, match="either schema or mapping"):
        huntkit.view_bundle("process_tree", own, schema="4688", mapping=mapping)
    with pytest.raises(ValueError, match="mapping needs 'parent_id'"):
        huntkit.view_bundle("process_tree", own, mapping={k: v for k, v in mapping.items() if k != "parent_id"})
    with pytest.raises(ValueError, match="unknown mapping field 'pid'"):
        huntkit.view_bundle("process_tree", own, mapping={**mapping, "pid": "Pid"})
    with pytest.raises(KeyError, match="mapping 'host_name' 'Computer' is not a column"):
        huntkit.view_bundle("process_tree", own, mapping={**mapping, "host_name": "Computer"})
    with pytest.raises(ValueError, match="mapping must be a dict"):
        huntkit.view_bundle("process_tree", own, mapping=["When"])
