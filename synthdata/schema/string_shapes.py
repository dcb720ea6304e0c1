"""What string values look like: known personal-data formats and learned id shapes.

Inference checks a bounded sample of values against the formats of well-known
identifiers (uuid, e-mail, SSN, phone, IPv4, card numbers) and, for codes of the
user's own systems, learns a regular expression of their shape: `S99995827` and
`S99982785` become `S\\d{8}`, `AB-1234` becomes `AB-\\d{4}`. Only the
shape is kept, never a value, so a generated id looks like the real ones without
being one of them. A digit every value shares is still generalised to a digit
class, so that generated codes spread over a space far larger than the real ones:
S99995827 gives `S\\d{8}`, not `S999\\d{5}`, whose 100,000 codes a few thousand
draws would already hit by chance.
"""

from __future__ import annotations

import re
import string

import numpy as np

from synthdata.schema.patterns import MAX_REPEAT_COUNT

UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

# Personal-data formats recognised from values alone, checked in this order.
VALUE_FORMATS: list[tuple[str, re.Pattern[str]]] = [
    ("email", re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")),
    ("ssn", re.compile(r"\d{3}-\d{2}-\d{4}")),
    ("ipv4", re.compile(r"(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}")),
    ("credit_card_number", re.compile(r"\d{4}([ -]?\d{4}){2}[ -]?\d{1,7}")),
    # A separator is required: bare digit strings are codes far more often than phones.
    ("phone_number", re.compile(r"(?=.*[ ()./+-])\+?[\d(][\d ()./-]{6,}\d(x\d+)?")),
]

# Share of sampled values that must match a format for the column to take it: a few
# typos or placeholders should not hide an e-mail column.
FORMAT_SHARE = 0.95
SAMPLE_SIZE = 1000
# A letter every value shares is part of the format (the S of S99995827) only when
# enough values agree on it; two values share a letter by chance one time in 26.
MIN_VALUES_FOR_LITERALS = 10

_REGEX_SYNTAX = frozenset(".^$*+?{}[]\\|()")
_CLASS_OF = (
    ("digit", r"\d", str.isdigit),
    ("upper", "[A-Z]", str.isupper),
    ("lower", "[a-z]", str.islower),
)


def sample_strings(distinct: np.ndarray, *, size: int = SAMPLE_SIZE) -> list[str]:
    """A bounded, deterministic sample of a column's distinct non-null values, as strings.

    Evenly spaced positions over the distinct values, so a sorted or clustered column
    still shows its variety and the cost does not grow with the table.
    """
    if len(distinct) > size:
        distinct = distinct[np.linspace(0, len(distinct) - 1, size).astype(np.int64)]
    return [str(value) for value in distinct]


def share_matching(pattern: re.Pattern[str], values: list[str]) -> float:
    """The share of values the pattern matches whole (0 for no values)."""
    if not values:
        return 0.0
    return sum(pattern.fullmatch(value) is not None for value in values) / len(values)


def format_of_values(values: list[str]) -> str | None:
    """The Faker provider whose format nearly all values follow, or None.

    Card numbers must also pass the Luhn check, which tells them from other long
    digit codes.
    """
    for provider, pattern in VALUE_FORMATS:
        if share_matching(pattern, values) < FORMAT_SHARE:
            continue
        if provider == "credit_card_number" and not all(map(passes_luhn, values)):
            continue
        return provider
    return None


def passes_luhn(value: str) -> bool:
    """Whether a card number's check digit is right (separators ignored)."""
    digits = [int(char) for char in value if char.isdigit()]
    odd = digits[-1::-2]
    even = [sum(divmod(2 * digit, 10)) for digit in digits[-2::-2]]
    return (sum(odd) + sum(even)) % 10 == 0


def learn_pattern(values: list[str]) -> str | None:
    """A regular expression for the common shape of the values, or None if they share none.

    Values of one length are compared position by position: a character every value
    has there stays literal (a letter only when there are enough values to tell a
    format from chance, a digit never), others become their class (digit, upper, lower,
    alphanumeric). Values of varying length must agree on their sequence of
    character classes; the runs then get {min,max} repeat counts. Strings with
    spaces, or longer than a pattern may repeat, are text, not codes, and get no pattern.
    """
    if not values or any(not value or value.isspace() or " " in value for value in values):
        return None
    if max(map(len, values)) > MAX_REPEAT_COUNT:
        return None  # far longer than a code: text, and beyond what a pattern may repeat
    lengths = {len(value) for value in values}
    if len(lengths) == 1:
        keep_literals = len(values) >= MIN_VALUES_FOR_LITERALS
        tokens = [_position_token(chars, keep_literals) for chars in zip(*values, strict=True)]
        return _compress([(token, 1, 1) for token in tokens])
    runs_of_each = {tuple(token for token, _ in _runs(value)) for value in values}
    if len(runs_of_each) != 1:
        return None
    counts = np.array([[count for _, count in _runs(value)] for value in values])
    shape = next(iter(runs_of_each))
    return _compress(
        [(token, int(low), int(high)) for token, low, high in zip(shape, counts.min(0), counts.max(0), strict=True)]
    )


def alphabet_pattern(values: list[str]) -> str:
    """A regular expression of the characters the values use and their range of lengths.

    The fallback for values that share no finer shape (`a-1 x`, `QQ17ab`): a generated
    value uses the same kinds of characters and is as long, and holds nothing of any
    real one.
    """
    used = set("".join(values))
    classes = [
        span
        for span, alphabet in (("0-9", string.digits), ("A-Z", string.ascii_uppercase), ("a-z", string.ascii_lowercase))
        if used & set(alphabet)
    ]
    others = sorted(used - set(string.digits + string.ascii_letters))
    lengths = [len(value) for value in values]
    low, high = min(lengths, default=0), max(lengths, default=0)
    repeat = f"{{{low}}}" if low == high else f"{{{low},{high}}}"
    return "[" + "".join(classes) + "".join(re.escape(char) for char in others) + "]" + repeat


def _char_class(char: str) -> str:
    for _, regex, test in _CLASS_OF:
        if test(char):
            return regex
    return _literal(char)


def _literal(char: str) -> str:
    """A character as a regex literal, escaped only where regex syntax needs it."""
    return "\\" + char if char in _REGEX_SYNTAX else char


def _position_token(chars: tuple[str, ...], keep_literals: bool) -> str:
    distinct = set(chars)
    if len(distinct) == 1 and ((keep_literals and not chars[0].isdigit()) or not chars[0].isalnum()):
        return _literal(chars[0])
    classes = {_char_class(char) for char in distinct}
    if len(classes) == 1:
        return classes.pop()
    if classes <= {r"\d", "[A-Z]", "[a-z]"}:
        return "[" + "".join(sorted(c.strip("[]").replace(r"\d", "0-9") for c in classes)) + "]"
    return "[" + "".join(re.escape(char) for char in sorted(distinct)) + "]"


def _runs(value: str) -> list[tuple[str, int]]:
    runs: list[tuple[str, int]] = []
    for char in value:
        token = _char_class(char)
        if runs and runs[-1][0] == token:
            runs[-1] = (token, runs[-1][1] + 1)
        else:
            runs.append((token, 1))
    return runs


def _compress(tokens: list[tuple[str, int, int]]) -> str:
    """Join tokens, merging neighbours of the same class into one repeat count."""
    merged: list[list] = []
    for token, low, high in tokens:
        literal = not token.startswith(("[", "\\d"))
        if merged and merged[-1][0] == token and not literal:
            merged[-1][1] += low
            merged[-1][2] += high
        else:
            merged.append([token, low, high])
    parts = []
    for token, low, high in merged:
        if (low, high) == (1, 1):
            parts.append(token)
        elif low == high:
            parts.append(f"{token}{{{low}}}")
        else:
            parts.append(f"{token}{{{low},{high}}}")
    return "".join(parts)
