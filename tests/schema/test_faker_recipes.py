"""Reading Faker's providers into recipes."""

from __future__ import annotations

import pytest

from synthdata.errors import SchemaError
from synthdata.schema.faker_recipes import recipe_for, template_parts


def test_common_providers_become_lists_templates_or_custom():
    assert recipe_for("en_US", "first_name").kind == "list"
    name = recipe_for("en_US", "name")
    assert name.kind == "template" and any("{{last_name}}" in f for f in name.elements)
    assert recipe_for("en_US", "phone_number").numerify
    user = recipe_for("en_US", "user_name")
    assert user.lexify and "slugify" in user.finish
    assert recipe_for("en_US", "ssn").kind == "custom"
    assert recipe_for("de_DE", "ssn").kind != "custom"  # the en_US rules do not apply there


def test_arguments_and_unknown_names():
    assert recipe_for("en_US", "text", {"max_nb_chars": 50}).kind == "custom"
    assert recipe_for("en_US", "date", {"pattern": "%Y"}).kind == "per_row"
    with pytest.raises(SchemaError, match="no provider"):
        recipe_for("en_US", "favourite_colour")
    with pytest.raises(SchemaError, match="no locale"):
        recipe_for("xx_XX", "name")


def test_template_parts():
    assert template_parts("{{first_name}}.{{ last_name }}##") == [
        ("token", "first_name"),
        ("text", "."),
        ("token", "last_name"),
        ("text", "##"),
    ]
