"""Date formats of string columns."""

from __future__ import annotations

import pandas as pd

from synthdata.schema.dates import find_format, parse, to_iso


def test_formats_found_on_synthea_shapes():
    assert find_format("d", ["2022-07-20", "1999-01-31"]) == "%Y-%m-%d"
    assert find_format("d", ["2022-07-20T07:13:55Z"]) == "%Y-%m-%dT%H:%M:%SZ"
    assert find_format("d", ["31/12/2020", "01/02/2021"]) == "%d/%m/%Y"
    assert find_format("d", ["S99995827"]) is None


def test_parse_reads_utc_and_rejects_other_formats():
    moments = parse(pd.Series(["2022-07-20T07:13:55Z", "2022-07-20"]), "%Y-%m-%dT%H:%M:%SZ")
    assert str(moments.dt.tz) == "UTC" and moments.isna().tolist() == [False, True]


def test_iso_output():
    assert to_iso(pd.Timestamp("2020-02-29")) == "2020-02-29"
    assert to_iso(pd.Timestamp("2020-02-29 10:00")) == "2020-02-29T10:00:00"
