"""What a Faker provider does, read from Faker itself, so it can be done on whole arrays.

Faker makes one value per call (about 10 microseconds each): a million names take
ten seconds and more. Most providers are simple: pick an element of a list
(`first_names`), pick a format and fill it (`{{first_name}} {{last_name}}`,
`###-###-####`), then perhaps lower-case or slugify. This module reads a provider's
method source and attributes, for the column's locale, and writes down that recipe;
`faker_draw` then follows it with NumPy for all rows at once, drawing from Faker's
own lists, weights and formats. Providers whose code does something else (or that
take arguments a recipe cannot honour) get the `per_row` recipe: Faker called once per
value, slower but always right.
"""

from __future__ import annotations

import inspect
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from faker import Faker

from synthdata.errors import SchemaError

RecipeKind = Literal["list", "template", "custom", "per_row"]

# Providers done by hand, where Faker's code is more than a list or a format, keyed
# by name and by the Faker module whose behaviour they reproduce ("" = any locale).
CUSTOM_PROVIDERS: dict[str, str] = {
    "ssn": "faker.providers.ssn.en_US",
    "postcode": "faker.providers.address.en_US",
    "zipcode": "faker.providers.address.en_US",
    "ipv4": "",
    "credit_card_number": "",
    "email": "",
    "uuid4": "",
    "text": "",
}
# Arguments the hand-made recipes honour; any other argument means calling Faker.
CUSTOM_ARGUMENTS: dict[str, frozenset[str]] = {
    "email": frozenset({"domain", "safe"}),
    "credit_card_number": frozenset({"card_type"}),
    "text": frozenset({"max_nb_chars"}),
}

_TEMPLATE = re.compile(r"self\.random_element\(self\.(\w+)\)[\s\S]*self\.generator\.parse\(")
_UPPER_CODES = re.compile(r"ascii_uppercase\),\s*self\.random_element\(self\.(\w+)\)[\s\S]*numerify\(temp\)")
_DIGITS = re.compile(r"return self\.(numerify|bothify)\(self\.random_element\(self\.(\w+)\)\)")
_LIST = re.compile(r"return self\.random_element\(self\.(\w+)\)")
_TOKEN = re.compile(r"\{\{\s*(\w+)(:\s*\w+?)?\s*\}\}")


@dataclass(frozen=True)
class Recipe:
    """How to make a provider's values: a kind, Faker's elements and the finishing steps.

    `elements` are list values (kind list) or formats (kind template), with `weights`
    when Faker's list is weighted. Templates hold `{{token}}` parts, filled by the
    token's own recipe, and placeholders: # digits and friends when `numerify`, ?
    letters from `letters` when `lexify`. `finish` names character-wise steps Faker
    applies to the result ("lower", "slugify"), applied here to the parts instead.
    """

    provider: str
    locale: str
    kind: RecipeKind
    elements: tuple[str, ...] = ()
    weights: tuple[float, ...] | None = None
    numerify: bool = False
    lexify: bool = False
    letters: str = string.ascii_letters
    finish: tuple[str, ...] = ()
    args: tuple[tuple[str, Any], ...] = ()


@lru_cache(maxsize=16)
def faker_for(locale: str) -> Faker:
    """One Faker per locale (building one costs tens of milliseconds)."""
    try:
        return Faker(locale)
    except AttributeError:
        raise SchemaError(f"Faker has no locale {locale!r}; use one such as en_US, de_DE, fr_FR.") from None


def provider_object(locale: str, provider: str) -> Any:
    """The Faker provider instance that serves `provider` in `locale`."""
    method = getattr(faker_for(locale), provider, None)
    if method is None or not callable(method) or provider.startswith("_"):
        raise SchemaError(
            f"Faker has no provider {provider!r} for locale {locale}; see "
            "https://faker.readthedocs.io/en/master/providers.html for the names."
        )
    return method.__self__


def recipe_for(locale: str, provider: str, args: Mapping[str, Any] | None = None) -> Recipe:
    """The recipe for one provider in one locale, with the column's arguments."""
    return _recipe(locale, provider, tuple(sorted((args or {}).items(), key=lambda item: item[0])))


@lru_cache(maxsize=512)
def _recipe(locale: str, provider: str, args: tuple[tuple[str, Any], ...]) -> Recipe:
    owner = provider_object(locale, provider)
    argument_names = {name for name, _ in args}
    if (
        provider in CUSTOM_PROVIDERS
        and type(owner).__module__.startswith(CUSTOM_PROVIDERS[provider])
        and argument_names <= CUSTOM_ARGUMENTS.get(provider, frozenset())
    ):
        return Recipe(provider, locale, "custom", args=args)
    if args:
        return Recipe(provider, locale, "per_row", args=args)
    try:
        source = inspect.getsource(getattr(type(owner), provider))
    except (OSError, TypeError):
        return Recipe(provider, locale, "per_row")
    finish = tuple(step for step, marker in (("slugify", "@slugify"), ("lower", "@lowercase")) if marker in source)
    if ".lower()" in source:
        finish += ("lower",)
    return _read_source(owner, provider, locale, source, finish)


def _read_source(owner: Any, provider: str, locale: str, source: str, finish: tuple[str, ...]) -> Recipe:
    body = source.split('"""')[-1] if source.count('"""') >= 2 else source

    def template(attribute: str, **options: Any) -> Recipe:
        return _with_elements(owner, attribute, provider, locale, "template", finish=finish, **options)

    if match := _UPPER_CODES.search(body):
        return template(match.group(1), numerify=True, lexify=True, letters=string.ascii_uppercase)
    if match := _TEMPLATE.search(body):
        bothify = "bothify(" in body
        return template(match.group(1), numerify=bothify, lexify=bothify)
    if match := _DIGITS.search(body):
        return template(match.group(2), numerify=True, lexify=match.group(1) == "bothify")
    for attribute in _LIST.findall(body):
        if hasattr(owner, attribute):
            return _with_elements(owner, attribute, provider, locale, "list", finish=finish)
    return Recipe(provider, locale, "per_row")


def _with_elements(owner: Any, attribute: str, provider: str, locale: str, kind: RecipeKind, **options: Any) -> Recipe:
    elements = getattr(owner, attribute, None)
    if isinstance(elements, Mapping):
        values, weights = tuple(map(str, elements.keys())), tuple(float(w) for w in elements.values())
    elif isinstance(elements, (list, tuple)) and elements:
        values, weights = tuple(map(str, elements)), None
    else:
        return Recipe(provider, locale, "per_row")
    return Recipe(provider, locale, kind, elements=values, weights=weights, **options)


def template_parts(template: str) -> list[tuple[str, str]]:
    """A format split into ("text", literal) and ("token", provider) parts, in order."""
    parts: list[tuple[str, str]] = []
    position = 0
    for match in _TOKEN.finditer(template):
        if match.start() > position:
            parts.append(("text", template[position : match.start()]))
        parts.append(("token", match.group(1)))
        position = match.end()
    if position < len(template):
        parts.append(("text", template[position:]))
    return parts


def distinct_values(recipe: Recipe) -> int | None:
    """How many distinct values a list recipe can give (None when not simply countable)."""
    return len(set(recipe.elements)) if recipe.kind == "list" else None
