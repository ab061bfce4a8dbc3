"""derive.record_dicts gives what pyarrow's to_pylist gives, for every column type the
staged files and the derive queries carry, nulls included."""
from __future__ import annotations

import datetime as dt

import pyarrow as pa

from kpu_berita.warehouse import derive


def test_record_dicts_equal_to_pylist_with_nulls_dates_and_times():
    utc = dt.timezone.utc
    batch = pa.RecordBatch.from_pydict({
        "satker_id": ["kab-serang", None, "bali"],
        "views": pa.array([3, None, 0], pa.int32()),
        "year_inferred": [True, None, False],
        "published_date": pa.array([dt.date(2021, 7, 2), None, dt.date(1999, 12, 31)], pa.date32()),
        "fetched_at": pa.array([dt.datetime(2026, 12, 1, 22, 5, 1, 123456), None, dt.datetime(2015, 1, 1)],
                               pa.timestamp("us")),
        "seen_at_ms": pa.array([dt.datetime(2026, 1, 1, 0, 0, 0, 5000), None, None], pa.timestamp("ms")),
        # not through numpy: tz-aware (numpy would drop the zone) and ns (numpy gives ints)
        "seen_at_utc": pa.array([dt.datetime(2026, 12, 1, tzinfo=utc), None, None], pa.timestamp("us", tz="UTC")),
        "ns": pa.array([1, None, 2], pa.timestamp("ns")),
        "topics": pa.array([["data_pemilih"], None, []], pa.list_(pa.string())),
    })
    rows = derive.record_dicts(batch)
    assert rows == batch.to_pylist()
    assert rows[1]["published_date"] is None and rows[1]["fetched_at"] is None
    assert type(rows[0]["published_date"]) is dt.date and type(rows[0]["fetched_at"]) is dt.datetime
    assert rows[0]["seen_at_utc"].tzinfo is not None


def test_record_dicts_of_an_empty_batch():
    batch = pa.RecordBatch.from_pydict({"a": pa.array([], pa.date32())})
    assert derive.record_dicts(batch) == []
