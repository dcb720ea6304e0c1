"""The real-data fixture of tests/conftest.py: a visible skip on a bare machine, a failure in CI."""

from __future__ import annotations

import pytest

from tests.conftest import _required_or_skip


def test_absent_data_skips_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SYNTHDATA_REQUIRE_DATA", raising=False)
    with pytest.raises(pytest.skip.Exception, match="real data folder /nowhere is absent"):
        _required_or_skip("real data folder /nowhere is absent", "SYNTHDATA_REQUIRE_DATA")


def test_absent_data_fails_where_it_is_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNTHDATA_REQUIRE_DATA", "1")
    with pytest.raises(pytest.fail.Exception, match="SYNTHDATA_REQUIRE_DATA=1 requires it"):
        _required_or_skip("real data folder /nowhere is absent", "SYNTHDATA_REQUIRE_DATA")
