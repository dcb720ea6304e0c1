"""Hand-made providers follow Faker's rules."""

from __future__ import annotations

import ipaddress
import re

import numpy as np

from synthdata.schema.faker_draw import draw
from synthdata.schema.faker_recipes import provider_object, recipe_for
from synthdata.schema.row_random import RowRandom
from synthdata.schema.string_shapes import passes_luhn

N = 20_000


def values(provider: str, **args) -> np.ndarray:
    return draw(recipe_for("en_US", provider, args), RowRandom.for_rows(1, N))


def test_ssn_rules():
    ssns = values("ssn")
    assert all(re.fullmatch(r"\d{3}-\d{2}-\d{4}", ssn) for ssn in ssns)
    areas = np.array([int(ssn[:3]) for ssn in ssns])
    assert areas.min() >= 1 and areas.max() <= 899 and not (areas == 666).any()
    assert not any(ssn[4:6] == "00" or ssn[7:] == "0000" for ssn in ssns)


def test_card_numbers_pass_luhn_and_use_known_prefixes():
    cards = values("credit_card_number")
    assert all(map(passes_luhn, cards))
    visa = values("credit_card_number", card_type="visa16")
    assert all(card.startswith("4") and len(card) == 16 for card in visa)


def test_ipv4_avoids_reserved_networks():
    owner = provider_object("en_US", "ipv4")
    networks, _ = owner._get_all_networks_and_weights()
    addresses = [ipaddress.IPv4Address(value) for value in values("ipv4")[:500]]
    assert all(any(address in network for network in networks) for address in addresses)


def test_postcodes_emails_and_text():
    codes = values("postcode").astype(int)
    assert codes.min() >= 501 and codes.max() <= 99950
    assert all(email.endswith(("@example.org", "@example.com", "@example.net")) for email in values("email"))
    assert all(email.endswith("@shop.test") for email in values("email", domain="shop.test"))
    texts = values("text", max_nb_chars=80)
    lengths = np.array([len(text) for text in texts])
    assert lengths.max() <= 80 and lengths.mean() > 40 and all(text.endswith(".") for text in texts)
