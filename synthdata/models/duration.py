"""Time budgets written the way people write them: "90s", "10m", "1.5h", or seconds."""

from __future__ import annotations

import re

from synthdata.errors import SynthDataError

_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0}
_DURATION = re.compile(r"^\s*(?P<amount>\d+(?:\.\d+)?)\s*(?P<unit>[smh]?)\s*$")


def parse_duration(value: str | float | int) -> float:
    """Seconds in `value`: a number of seconds, or a string such as "10m"."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    else:
        match = _DURATION.match(str(value))
        if match is None:
            raise SynthDataError(
                f"Cannot read the time budget {value!r}; write seconds or a number with "
                f"s, m or h, such as 90s, 10m or 1.5h."
            )
        seconds = float(match["amount"]) * _UNITS[match["unit"] or "s"]
    if seconds <= 0:
        raise SynthDataError(f"The time budget must be positive, got {value!r}.")
    return seconds
