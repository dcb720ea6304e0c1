"""Drawing Faker values for whole columns with NumPy, following `faker_recipes`.

Every decision (which format, which name, which digit) draws from its own
`RowRandom` stream, so row k gets the same value whichever chunk it is drawn in.
Character-wise finishing steps (lower-case, slugify) are applied to Faker's
vocabulary and formats once, not to a million results. Values come out as NumPy
object arrays of Python strings.

`bindings` lets a template reuse values already in the row: with
`{"first_name": FIRST, "last_name": LAST}` an e-mail's user name is built from the
row's own names instead of new ones.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache

import numpy as np
from tqdm import tqdm

from synthdata.schema.faker_custom import draw_custom
from synthdata.schema.faker_recipes import Recipe, faker_for, provider_object, recipe_for, template_parts
from synthdata.schema.row_random import RowRandom, key_from_seed

_SLUG_DROP = re.compile(r"[^\w\s-]")
# Faker's numerify placeholders: character -> (lowest digit, may be left out).
_PLACEHOLDERS = {"#": (0, False), "%": (1, False), "$": (2, False), "!": (0, True), "@": (1, True)}
# Formats nested deeper than this are Faker bugs or cycles; stop rather than recurse forever.
MAX_DEPTH = 8


def draw(
    recipe: Recipe,
    random: RowRandom,
    *,
    bindings: Mapping[str, np.ndarray] | None = None,
    finish: tuple[str, ...] = (),
    depth: int = 0,
) -> np.ndarray:
    """One value per row of `random`, as Faker's provider would make it."""
    finish = recipe.finish + finish
    if recipe.kind == "list":
        picks = random.choice(len(recipe.elements), _weights(recipe))
        return _vocabulary(recipe.elements, finish)[picks]
    if recipe.kind == "template" and depth < MAX_DEPTH:
        return _draw_template(recipe, random, bindings or {}, finish, depth)
    if recipe.kind == "custom":

        def draw_token(provider: str, stream: RowRandom) -> np.ndarray:
            token = recipe_for(recipe.locale, provider)
            return draw(token, stream, bindings=bindings, depth=depth + 1)

        return finish_values(draw_custom(recipe, random, draw_token), finish)
    return finish_values(draw_per_row(recipe, random), finish)


def _draw_template(
    recipe: Recipe, random: RowRandom, bindings: Mapping[str, np.ndarray], finish: tuple[str, ...], depth: int
) -> np.ndarray:
    out = np.empty(len(random), dtype=object)
    formats = random.child("format").choice(len(recipe.elements), _weights(recipe))
    for index in np.unique(formats):
        rows = np.flatnonzero(formats == index)
        part_random = random.subset(rows).child(f"format {index}")
        value = np.full(len(rows), "", dtype=object)
        for position, (kind, text) in enumerate(template_parts(recipe.elements[index])):
            if kind == "text":
                value = value + _fill_placeholders(text, recipe, part_random.child(f"text {position}"), finish)
                continue
            bound = _bound(bindings, text)
            if bound is not None:
                value = value + finish_values(bound[rows], finish)
            else:
                token = recipe_for(recipe.locale, text)
                value = value + draw(
                    token, part_random.child(f"{position} {text}"), bindings=bindings, finish=finish, depth=depth + 1
                )
        out[rows] = value
    return out


def _bound(bindings: Mapping[str, np.ndarray], token: str) -> np.ndarray | None:
    """Row values bound to a token: `first_name` also serves `first_name_female`."""
    for provider, values in bindings.items():
        if token == provider or token.startswith(provider + "_"):
            return values
    return None


def _fill_placeholders(text: str, recipe: Recipe, random: RowRandom, finish: tuple[str, ...]) -> np.ndarray | str:
    """A literal part of a format, with #/%/$/!/@ digits and ? letters drawn per row.

    Finishing steps act on the format's characters and the letter alphabet before
    drawing (digits pass through them unchanged), never on the drawn strings.
    """
    letters = recipe.lexify and "?" in text
    if not (recipe.numerify and any(char in text for char in _PLACEHOLDERS)) and not letters:
        return _vocabulary((text,), finish)[0]
    columns = []
    for position, char in enumerate(text):
        stream = random.child(f"char {position}")
        if recipe.numerify and char in _PLACEHOLDERS:
            low, optional = _PLACEHOLDERS[char]
            digits = (stream.integers(low, 10) + ord("0")).astype(np.uint32)
            if optional:
                digits[stream.child("skip").uniform() < 0.5] = 0
            columns.append(digits)
        elif letters and char == "?":
            alphabet = "".join(_vocabulary(tuple(recipe.letters), finish))
            codes = np.frombuffer(alphabet.encode("utf-32-le"), dtype=np.uint32)
            columns.append(codes[stream.integers(0, len(codes))])
        else:
            for finished in _vocabulary((char,), finish)[0]:
                columns.append(np.full(len(random), ord(finished), dtype=np.uint32))
    if not columns:
        return ""
    codes = np.ascontiguousarray(np.stack(columns, axis=1))
    values = codes.view(f"<U{len(columns)}").ravel().astype(object)
    if any(_PLACEHOLDERS.get(char, (0, False))[1] for char in text):
        values = np.char.replace(values.astype(str), "\x00", "").astype(object)
    return values


def finish_values(values: np.ndarray, finish: tuple[str, ...]) -> np.ndarray:
    """Faker's finishing steps on an array of strings."""
    if not finish:
        return values
    unique, inverse = np.unique(values.astype(str), return_inverse=True)
    return _vocabulary(tuple(unique), finish)[inverse]


@lru_cache(maxsize=1024)
def _vocabulary(elements: tuple[str, ...], finish: tuple[str, ...]) -> np.ndarray:
    finished = []
    for element in elements:
        for step in finish:
            if step == "lower":
                element = element.lower()
            elif step == "slugify":
                element = _SLUG_DROP.sub("", unicodedata.normalize("NFKC", element)).lower().replace(" ", "-")
        finished.append(element)
    return np.array(finished, dtype=object)


def _weights(recipe: Recipe) -> np.ndarray | None:
    return None if recipe.weights is None else np.asarray(recipe.weights)


def draw_per_row(recipe: Recipe, random: RowRandom) -> np.ndarray:
    """Faker called once per value: for providers no recipe reproduces.

    Seeded from the stream's key and the first row, so a call is reproducible,
    though not independent of how rows are chunked.
    """
    fake = faker_for(recipe.locale)
    method = getattr(provider_object(recipe.locale, recipe.provider), recipe.provider)
    first_row = int(random.rows[0]) if len(random) else 0
    fake.seed_instance(key_from_seed(random.key ^ first_row))
    arguments = dict(recipe.args)
    values = np.empty(len(random), dtype=object)
    for row in tqdm(
        range(len(random)), desc=f"Faker {recipe.provider}", unit="row", disable=None, leave=False, delay=2
    ):
        values[row] = str(method(**arguments))
    return values
