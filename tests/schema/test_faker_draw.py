"""Vectorized Faker values: from Faker's own lists and formats, deterministic."""

from __future__ import annotations

import re

import numpy as np

from synthdata.schema.faker_draw import draw
from synthdata.schema.faker_recipes import faker_for, provider_object, recipe_for
from synthdata.schema.row_random import RowRandom

N = 5000


def values(provider: str, locale: str = "en_US", seed: int = 0, **bindings) -> np.ndarray:
    return draw(recipe_for(locale, provider), RowRandom.for_rows(seed, N), bindings=bindings or None)


def test_names_come_from_fakers_weighted_lists():
    person = provider_object("en_US", "first_name")
    firsts = values("first_name")
    assert set(firsts) <= set(person.first_names)
    shares = {name: np.mean(firsts == name) for name in ("James", "Aaron")}
    assert shares["James"] > shares["Aaron"]  # Faker weighs names by frequency
    full = values("name")
    assert all(len(name.split()) >= 2 for name in full)


def test_formats_fill_digits_and_letters_like_faker():
    phones = values("phone_number")
    assert all(re.fullmatch(r"[\d()+.x -]+", phone) for phone in phones)
    assert all(re.fullmatch(r"[A-Z]?\d{8,9}", number) for number in values("passport_number"))
    users = values("user_name")
    assert all(re.fullmatch(r"[a-z0-9]+", user) for user in users)


def test_same_seed_same_values_other_seed_other_values():
    assert np.array_equal(values("address", seed=3), values("address", seed=3))
    assert not np.array_equal(values("address", seed=3), values("address", seed=4))


def test_bound_names_make_consistent_emails():
    firsts = np.array(["Ada"] * N, dtype=object)
    lasts = np.array(["Lovelace"] * N, dtype=object)
    emails = values("email", first_name=firsts, last_name=lasts)
    local_parts = {email.split("@")[0].rstrip("0123456789") for email in emails}
    assert local_parts <= {"adalovelace", "lovelaceada", "ada", "alovelace"} | {
        f"{letter}lovelace" for letter in "abcdefghijklmnopqrstuvwxyz"
    }


def test_other_locales_use_their_own_lists():
    german = provider_object("de_DE", "last_name")
    assert set(values("last_name", locale="de_DE")) <= set(german.last_names)
    assert faker_for("de_DE") is faker_for("de_DE")
