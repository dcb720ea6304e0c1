"""Finding columns that follow from others by a known closed form: products and loan instalments.

Of the rules inside business rows that are not linear, two show up across real
tables, and they are the only forms looked for (a longer list of guessed formulas
would mostly find coincidences; the other rules seen on the real tables this was
built on, totals, balances, equal counts, a grade's first letter, are linear
identities or values a discrete column determines, which other finders handle):

- a product of two columns: a quantity times a unit price (Synthea's medications:
  TOTALCOST = BASE_COST * DISPENSES on every row);
- the monthly payment of an amortised loan (Lending Club's `installment`, every
  mortgage and car-loan book): amount * i / (1 - (1 + i) ** -term), with i the
  annual rate over 12 (a rate in percent over 1200) and the term in months.

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
    positive = [index for index in range(screen.shape[1]) if index not in excluded and _positive(screen[:, index])]
    rates = [
        (index, percent) for index in positive for percent in (True, False) if _rate_like(screen[:, index], percent)
    ]
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


@dataclass(frozen=True)
class Product:
    """`result` = `first` * `second`, within the three columns' rounding."""

    result: int
    first: int
    second: int


# Products are screened on this many rows first (pairs x columns x rows at once), and a
# candidate must hold on at least PRODUCT_SCREENING_PRESENT of them with all three present:
# columns empty on most rows would otherwise pass every screen.
PRODUCT_SCREENING_ROWS = 64
PRODUCT_SCREENING_PRESENT = 8


def products(numbers: NumericColumns, excluded: set[int]) -> list[Product]:
    """Columns that are the product of two others on every row holding all three."""
    screen = numbers.screen
    factors = [index for index in range(screen.shape[1]) if index not in excluded and _factor_like(screen[:, index])]
    if len(factors) < 2:
        return []
    first, second = (np.array(factors)[pick] for pick in np.triu_indices(len(factors), k=1))
    for rows in (screen[:PRODUCT_SCREENING_ROWS], screen):
        close = _close_to_products(rows, first, second, numbers.half_steps)
        survivors = close.any(axis=1)
        first, second, close = first[survivors], second[survivors], close[survivors]
        if not len(first):
            return []
    found: list[Product] = []
    for pair, result in zip(*np.nonzero(close), strict=True):
        rule = Product(int(result), int(first[pair]), int(second[pair]))
        taken = {found_rule.result for found_rule in found}
        if result not in (rule.first, rule.second, *taken, *excluded) and _product_holds(rule, numbers):
            found.append(rule)
    return found


def _close_to_products(rows: np.ndarray, first: np.ndarray, second: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """pairs x columns: whether the column equals the pair's product on every row
    holding all three, within their rounding."""
    product = (rows[:, first] * rows[:, second])[:, :, None]  # rows x pairs x 1
    slack = (
        steps[None, None, :]
        + np.abs(rows[:, second, None]) * steps[first, None]
        + np.abs(rows[:, first, None]) * steps[second, None]
        + 1e-9 * np.abs(product)
    )
    values = rows[:, None, :]
    missing = np.isnan(product) | np.isnan(values)
    with np.errstate(invalid="ignore"):
        close = (np.abs(values - product) <= slack) | missing
    return close.all(axis=0) & ((~missing).sum(axis=0) >= min(PRODUCT_SCREENING_PRESENT, len(rows)))


def _factor_like(values: np.ndarray) -> bool:
    """A factor that is 0 or 1 nearly everywhere would make any column a product of itself."""
    present = values[~np.isnan(values)]
    return present.size > 0 and np.mean((present != 0) & (present != 1)) >= 0.05


def _product_holds(rule: Product, numbers: NumericColumns) -> bool:
    values = numbers.values
    result, first, second = values[:, rule.result], values[:, rule.first], values[:, rule.second]
    present = ~np.isnan(result) & ~np.isnan(first) & ~np.isnan(second)
    if present.sum() < MIN_ROWS:
        return False
    result, first, second = result[present], first[present], second[present]
    steps = numbers.half_steps
    slack = steps[rule.result] + np.abs(second) * steps[rule.first] + np.abs(first) * steps[rule.second]
    return bool(np.all(np.abs(result - first * second) <= slack + 1e-9 * np.abs(result)))


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
    return (
        bool(1.0 <= median <= 40.0 and present.max() <= 100.0)
        if percent
        else bool(0.01 <= median <= 0.4 and present.max() <= 1.0)
    )


def _term_like(values: np.ndarray) -> bool:
    present = values[~np.isnan(values)]
    distinct = np.unique(present)
    return bool(
        len(distinct) <= MAX_TERMS
        and np.all(distinct == np.round(distinct))
        and distinct.min() >= 3
        and distinct.max() <= 480
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
    close = (
        np.abs(actual[present] - expected[present])
        <= RELATIVE_TOLERANCE * np.abs(expected[present]) + numbers.half_steps[rule.payment]
    )
    return bool(present.sum() >= MIN_ROWS and close.all())
