"""Faker columns checked when a schema is built, so a bad one fails in one line, at once.

A schema file (or a model file's schema) names a Faker provider and its arguments.
Left unchecked, a typo surfaces as a traceback from deep inside Faker at sampling
time (`TypeError: got an unexpected keyword argument`, `ValueError: empty range`),
and a stranger's file can ask for a path a hundred million folders deep or four
gigabytes of binary. So each Faker column is checked in three steps: the provider
exists (else the closest names are offered), its arguments fit the provider's
signature and stated bounds, and one trial call, seeded, gives a value of bounded
length; whatever that call raises becomes a SchemaError naming the column.
"""

from __future__ import annotations

import difflib
import inspect
import re
from collections.abc import Mapping
from typing import Any

from faker.providers import BaseProvider

from synthdata.errors import SchemaError
from synthdata.schema.column import Column
from synthdata.schema.faker_recipes import faker_for

# The largest magnitude of any numeric argument (beyond it Faker overflows or stalls).
MAX_FAKER_NUMBER = 10**15
# The largest value of an argument that sizes the output (a length, a count, a depth).
MAX_FAKER_SIZE = 10_000
# The longest text argument, and the longest value a trial call may give.
MAX_FAKER_CHARS = 10_000
# Argument names that set how big a value is: `length`, `max_chars`, `nb_words`, `depth`, ...
_SIZE_ARGUMENT = re.compile(r"length|depth|chars|digits|size|count|elements|words|sentences|nb|num|rows|files|places")
# Seed of the trial call, so loading a schema never depends on Faker's global state.
_TRIAL_SEED = 0


def check_faker_column(column: Column, locale: str) -> None:
    """Raise SchemaError unless the column's provider and arguments give values (see module)."""
    provider = column.provider if column.type == "faker" else "text"
    where = f"Column '{column.name}'"
    if not provider:
        raise SchemaError(f"{where} is a faker column without a `provider:`; name one such as first_name.")
    fake = faker_for(column.locale or locale)
    method = _provider_method(fake, provider, where)
    arguments = dict(column.args or {})
    _check_signature(method, arguments, where, provider)
    for name, value in arguments.items():
        _check_bounds(value, name, where, provider)
    fake.seed_instance(_TRIAL_SEED)
    try:
        value = method(**arguments)
    except Exception as error:
        raise SchemaError(
            f"{where}: Faker's {provider}({_shown(arguments)}) fails: {type(error).__name__}: "
            f"{_first_line(error)}; fix its arguments."
        ) from None
    if len(str(value)) > MAX_FAKER_CHARS:
        raise SchemaError(
            f"{where}: Faker's {provider}({_shown(arguments)}) gives values of {len(str(value)):,} "
            f"characters; at most {MAX_FAKER_CHARS:,}, so ask for shorter ones."
        )


def _provider_method(fake: Any, provider: str, where: str) -> Any:
    method = None if provider.startswith("_") else getattr(fake, provider, None)
    if callable(method) and isinstance(getattr(method, "__self__", None), BaseProvider):
        return method
    generator = fake.factories[0]
    names = [name for name in dir(generator) if not name.startswith("_")]
    close = difflib.get_close_matches(provider, names, n=3)
    hint = f"did you mean {', '.join(close)}?" if close else "see https://faker.readthedocs.io/en/master/providers.html"
    raise SchemaError(f"{where}: Faker has no provider {provider!r}; {hint}")


def _check_signature(method: Any, arguments: Mapping[str, Any], where: str, provider: str) -> None:
    signature = inspect.signature(method)
    parameters = signature.parameters.values()
    if any(parameter.kind is inspect.Parameter.VAR_KEYWORD for parameter in parameters):
        return
    allowed = [parameter.name for parameter in parameters if parameter.kind is not inspect.Parameter.VAR_POSITIONAL]
    unknown = [name for name in arguments if name not in allowed]
    if unknown:
        takes = f"it takes {', '.join(allowed)}" if allowed else "it takes no arguments"
        raise SchemaError(f"{where}: Faker's {provider} has no argument {unknown[0]!r}; {takes}.")
    try:
        signature.bind(**arguments)
    except TypeError as error:
        raise SchemaError(f"{where}: Faker's {provider}: {error}.") from None


def _check_bounds(value: Any, name: str, where: str, provider: str) -> None:
    """Numbers, texts and lists inside one argument, each within its stated bound."""
    size: float
    if isinstance(value, (list, tuple)):
        for item in value[: MAX_FAKER_SIZE + 1]:
            _check_bounds(item, name, where, provider)
        limit, size = MAX_FAKER_SIZE, len(value)
    elif isinstance(value, Mapping):
        for item in value.values():
            _check_bounds(item, name, where, provider)
        limit, size = MAX_FAKER_SIZE, len(value)
    elif isinstance(value, str):
        limit, size = MAX_FAKER_CHARS, len(value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        limit = MAX_FAKER_SIZE if _SIZE_ARGUMENT.search(name) else MAX_FAKER_NUMBER
        size = abs(value) if value == value else 0  # NaN is Faker's to refuse, in the trial call
    else:
        return
    if size > limit:
        raise SchemaError(
            f"{where}: argument {name!r} of Faker's {provider} is {_shown_value(value)}; at most {limit:,} "
            "(the limit keeps a schema or model file from stalling sampling)."
        )


def _shown(arguments: Mapping[str, Any]) -> str:
    return ", ".join(f"{name}={_shown_value(value)}" for name, value in arguments.items())


def _shown_value(value: Any, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else "no message"
