"""Column names as hints."""

from __future__ import annotations

from synthdata.schema.names import is_code_name, is_key_name, name_words, provider_for_name


def test_names_are_split_into_words():
    assert name_words("HEALTHCARE_EXPENSES") == ("healthcare", "expenses")
    assert name_words("firstName") == ("first", "name")
    assert name_words("IPAddress") == ("ip", "address")


def test_providers_by_whole_words_only():
    assert provider_for_name("FIRST") == "first_name"
    assert provider_for_name("customer_email") == "email"
    assert provider_for_name("ip_address") == "ipv4"
    assert provider_for_name("ETHNICITY") is None
    assert provider_for_name("last_login") is None


def test_codes_and_keys():
    assert is_code_name("REASONCODE") and is_code_name("ZIP") and not is_code_name("INCOME")
    assert is_key_name("Id", None) and is_key_name("customer_id", "customer")
    assert not is_key_name("customer_id", "orders")
