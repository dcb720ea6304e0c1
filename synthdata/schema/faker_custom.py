"""Faker providers whose code is more than a list or a format, redone on arrays.

Each function reproduces its Faker method's rules: an SSN's area is 001-899 but
never 666, a card number starts with one of its type's prefixes and ends with a
Luhn check digit, an IPv4 address avoids the reserved networks, an e-mail is a
Faker user name at one of the safe example domains. `draw_token` draws another
provider (the user name inside an e-mail) through the caller, so bindings to the
row's own names still apply.
"""

from __future__ import annotations

from collections.abc import Callable
from ipaddress import IPv4Network

import numpy as np

from synthdata.errors import SchemaError
from synthdata.schema.faker_recipes import Recipe, provider_object
from synthdata.schema.ids import uuid4_values
from synthdata.schema.row_random import RowRandom

DrawToken = Callable[[str, RowRandom], np.ndarray]
_OCTETS = np.array([str(value) for value in range(256)], dtype=object)
# Rounds of redrawing addresses that fell in a reserved network (each keeps ~85%).
_IP_ROUNDS = 64


def draw_custom(recipe: Recipe, random: RowRandom, draw_token: DrawToken) -> np.ndarray:
    """Values of a hand-made recipe (see CUSTOM_PROVIDERS)."""
    args = dict(recipe.args)
    if recipe.provider == "ssn":
        return _ssn(random)
    if recipe.provider in ("postcode", "zipcode"):
        return _digits(random.integers(501, 99951), 5)
    if recipe.provider == "ipv4":
        return _ipv4(recipe, random)
    if recipe.provider == "credit_card_number":
        return _card_numbers(recipe, random, args.get("card_type"))
    if recipe.provider == "email":
        return _emails(random, draw_token, args)
    if recipe.provider == "uuid4":
        return uuid4_values(random)
    return _text(recipe, random, int(args.get("max_nb_chars", 200)))


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    """Non-negative integers as zero-padded text of a fixed width."""
    return _digit_codes(values, width).view(f"<U{width}").ravel().astype(object)


def _digit_codes(values: np.ndarray, width: int) -> np.ndarray:
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return np.ascontiguousarray((values[:, None] // powers % 10 + ord("0")).astype(np.uint32))


def _ssn(random: RowRandom) -> np.ndarray:
    area = random.child("area").integers(1, 900)
    area[area == 666] += 1
    group = random.child("group").integers(1, 100)
    serial = random.child("serial").integers(1, 10_000)
    dash = np.full((len(random), 1), ord("-"), dtype=np.uint32)
    codes = np.concatenate([_digit_codes(area, 3), dash, _digit_codes(group, 2), dash, _digit_codes(serial, 4)], axis=1)
    return np.ascontiguousarray(codes).view("<U11").ravel().astype(object)


def _ipv4(recipe: Recipe, random: RowRandom) -> np.ndarray:
    owner = provider_object(recipe.locale, "ipv4")
    networks, _ = owner._get_all_networks_and_weights()
    starts = np.array([int(net.network_address) for net in networks], dtype=np.int64)
    ends = starts + np.array([net.num_addresses for net in networks], dtype=np.int64)
    addresses = np.empty(len(random), dtype=np.int64)
    pending = np.arange(len(random))
    for attempt in range(_IP_ROUNDS):
        drawn = random.subset(pending).child(f"address {attempt}").integers(0, 2**32)
        slot = np.searchsorted(starts, drawn, side="right") - 1
        usable = (slot >= 0) & (drawn < ends[np.maximum(slot, 0)])
        addresses[pending[usable]] = drawn[usable]
        pending = pending[~usable]
        if pending.size == 0:
            break
    if pending.size:
        addresses[pending] = int(IPv4Network(networks[0]).network_address)
    octets = [_OCTETS[(addresses >> shift) & 255] for shift in (24, 16, 8, 0)]
    return octets[0] + "." + octets[1] + "." + octets[2] + "." + octets[3]


def _card_numbers(recipe: Recipe, random: RowRandom, card_type: str | None) -> np.ndarray:
    types = provider_object(recipe.locale, "credit_card_number").credit_card_types
    if card_type is not None and card_type not in types:
        raise SchemaError(f"Unknown card_type {card_type!r}; use one of {', '.join(types)}.")
    names = [card_type] if card_type else list(types)
    picks = random.child("type").integers(0, len(names))
    out = np.empty(len(random), dtype=object)
    for index in np.unique(picks):
        rows = np.flatnonzero(picks == index)
        card = types[names[index]]
        stream = random.subset(rows).child(names[index])
        prefixes = list(card.prefixes)
        chosen = np.array(prefixes, dtype=object)[stream.child("prefix").integers(0, len(prefixes))]
        out[rows] = _luhn_numbers(chosen, card.length, stream)
    return out


def _luhn_numbers(prefixes: np.ndarray, length: int, random: RowRandom) -> np.ndarray:
    """Numbers of `length` digits that start with the prefixes and pass the Luhn check."""
    body = np.zeros((len(prefixes), length - 1), dtype=np.int64)
    for position in range(length - 1):
        body[:, position] = random.child(f"digit {position}").integers(0, 10)
    for prefix in np.unique(prefixes):
        rows = np.flatnonzero(prefixes == prefix)
        for position, char in enumerate(prefix):
            if char.isdigit():
                body[rows, position] = int(char)
            elif char == "%":  # numerify's non-zero digit; '#' keeps the random one
                body[rows, position] = body[rows, position] % 9 + 1
    from_right = body[:, ::-1]
    doubled = from_right[:, 0::2] * 2
    total = (doubled // 10 + doubled % 10).sum(axis=1) + from_right[:, 1::2].sum(axis=1)
    check = (10 - total % 10) % 10
    codes = np.concatenate([body, check[:, None]], axis=1) + ord("0")
    return np.ascontiguousarray(codes.astype(np.uint32)).view(f"<U{length}").ravel().astype(object)


def _emails(random: RowRandom, draw_token: DrawToken, args: dict) -> np.ndarray:
    names = draw_token("user_name", random.child("user"))
    if args.get("domain"):
        domains: np.ndarray | str = str(args["domain"]).lower()
    elif args.get("safe", True):
        domains = draw_token("safe_domain_name", random.child("domain"))
    else:
        domains = draw_token("free_email_domain", random.child("domain"))
    # Faker lower-cases the whole address; user names and safe domains already are.
    return names + "@" + domains


def _text(recipe: Recipe, random: RowRandom, max_chars: int) -> np.ndarray:
    """Sentences of Faker's lorem words, as long as fits in `max_chars`."""
    if max_chars < 5:
        raise SchemaError("A text column needs max_nb_chars of at least 5.")
    words = np.array(provider_object(recipe.locale, "text").word_list, dtype=object)
    capitalized = np.array([word.title() for word in words], dtype=object)
    slots = max(1, max_chars // 4)
    picks = np.stack([random.child(f"word {slot}").integers(0, len(words)) for slot in range(slots)], axis=1)
    starts = np.ones(picks.shape, dtype=bool)
    for slot in range(1, slots):
        starts[:, slot] = random.child(f"stop {slot}").uniform() < 0.15
    # Each word costs its length, a space and perhaps a full stop: a bound, never over.
    lengths = np.array([len(word) for word in words], dtype=np.int64)[picks] + 2
    fits = np.cumsum(lengths, axis=1) <= max_chars + 1
    fits[:, 0] = True
    out = np.full(len(random), "", dtype=object)
    for slot in range(slots):
        word = np.where(starts[:, slot], capitalized[picks[:, slot]], words[picks[:, slot]])
        last = slot + 1 == slots
        ends_sentence = np.ones(len(random), dtype=bool) if last else starts[:, slot + 1] | ~fits[:, slot + 1]
        piece = ("" if slot == 0 else " ") + word + np.where(ends_sentence, ".", "")
        out = out + np.where(fits[:, slot], piece, "")
    return out
