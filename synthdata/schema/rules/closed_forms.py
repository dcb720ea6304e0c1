"""Finding columns that follow from others by a known closed form: loan instalments.

Of the rules inside business rows that are not linear, one shows up across real
loan tables (Lending Club's `installment`, every mortgage and car-loan book): the
monthly payment of an amortised loan, amount * i / (1 - (1 + i) ** -term), with
i the annual rate over 12 (a rate in percent over 1200) and the term in months. It
is the only form looked for: the others seen on the real tables this was built on
(totals, balances, equal counts, a grade's first letter) are linear identities or
values a discrete column determines, which other finders handle; a longer list of
guessed formulas would mostly find coincidences.

Candidates are narrow by construction (a rate: positive values with a typical rate's
median; a term: a few whole numbers of months), so the search is over few triples;
the instalment may miss by `RELATIVE_TOLERANCE`, since rates are published rounded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synthdata.schema.rules.numbers import MIN_ROWS, NumericColumns

# Rates are shown to two decimals of a percent: 13.99% stands for 13.985-13.995%,
# which moves a 60-month instalment by up to 0.03%; payments are rounded to cents.
RELATIVE_TOLERANCE = 0.002
MAX_TERMS = 24


@dataclass(frozen=True)
class Amortisation:
    """`payment` = amortised instalment of `amount` at `rate` (percent when `percent`) over `term` months."""

    payment: int
    amount: int
    rate: int
    term: int
    percent: bool


def amortisations(numbers: NumericColumns, excluded: set[int]) -> list[Amortisation]:
    """Instalment columns that follow from an amount, an annual rate and a term in months."""
    screen = numbers.screen
    positive = [
        index for index in range(screen.shape[1])
        if index not in excluded and _positive(screen[:, index])
    ]
    rates = [(index, percent) for index in positive for percent in (True, False) if _rate_like(screen[:, index], percent)]
    terms = [index for index in positive if _term_like(screen[:, index])]
    found: list[Amortisation] = []
    taken: set[int] = set()
    for rate, percent in rates:
        for term in terms:
            factor = _factor(screen[:, rate], screen[:, term], percent)
            for amount in positive:
                expected = screen[:, amount] * factor
                present = ~np.isnan(expected)
                if amount in (rate, term) or present.sum() < MIN_ROWS:
                    continue
                slack = RELATIVE_TOLERANCE * np.abs(expected[present, None]) + numbers.half_steps[None, :]
                close = (np.abs(screen[present] - expected[present, None]) <= slack).all(axis=0)
                for payment in np.flatnonzero(close):
                    rule = Amortisation(int(payment), amount, rate, term, percent)
                    if payment not in (rate, term, amount, *taken) and _holds(rule, numbers):
                        found.append(rule)
                        taken.add(int(payment))
    return found


def expression(rule: Amortisation, names: list[str]) -> str:
    """The instalment as a formula of the schema file."""
    monthly = f"{names[rule.rate]} / {1200 if rule.percent else 12}"
    return f"{names[rule.amount]} * ({monthly}) / (1 - (1 + {monthly}) ** (-{names[rule.term]}))"


def _positive(values: np.ndarray) -> bool:
    present = values[~np.isnan(values)]
    return present.size > 0 and bool((present > 0).all())


def _rate_like(values: np.ndarray, percent: bool) -> bool:
    present = values[~np.isnan(values)]
    median = np.median(present)
    return bool(1.0 <= median <= 40.0 and present.max() <= 100.0) if percent else bool(0.01 <= median <= 0.4 and present.max() <= 1.0)


def _term_like(values: np.ndarray) -> bool:
    present = values[~np.isnan(values)]
    distinct = np.unique(present)
    return bool(
        len(distinct) <= MAX_TERMS and np.all(distinct == np.round(distinct)) and distinct.min() >= 3 and distinct.max() <= 480
    )


def _factor(rate: np.ndarray, term: np.ndarray, percent: bool) -> np.ndarray:
    monthly = rate / (1200.0 if percent else 12.0)
    with np.errstate(all="ignore"):
        return monthly / (1.0 - (1.0 + monthly) ** -term)


def _holds(rule: Amortisation, numbers: NumericColumns) -> bool:
    values = numbers.values
    expected = values[:, rule.amount] * _factor(values[:, rule.rate], values[:, rule.term], rule.percent)
    actual = values[:, rule.payment]
    present = ~np.isnan(expected) & ~np.isnan(actual)
    close = np.abs(actual[present] - expected[present]) <= RELATIVE_TOLERANCE * np.abs(expected[present]) + numbers.half_steps[rule.payment]
    return bool(present.sum() >= MIN_ROWS and close.all())
