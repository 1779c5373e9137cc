"""Where PostgreSQL is not installed, its tests skip with a reason that says how to install it; where
RETRO_REQUIRE_POSTGRES=1 (as in CI) they fail instead."""

from pathlib import Path

import pytest

from tests.support import postgres


def no_binaries() -> Path | None:
    return None


def test_without_postgresql_the_tests_skip_saying_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(postgres, "binaries", no_binaries)
    monkeypatch.delenv(postgres.REQUIRE, raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install postgresql"):
        postgres.start_cluster()


def test_where_postgresql_is_required_its_absence_fails_the_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(postgres, "binaries", no_binaries)
    monkeypatch.setenv(postgres.REQUIRE, "1")
    with pytest.raises(pytest.fail.Exception, match="RETRO_REQUIRE_POSTGRES=1"):
        postgres.start_cluster()
