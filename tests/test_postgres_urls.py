"""A PostgreSQL URL's password never reaches the terminal, however libpq reads the URL (no server needed:
nothing listens on port 1)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retro.postgres.connection import connect
from retro.stores import StoreUnavailable

PASSWORD = "S3cretPw"


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://:{PASSWORD}\x00@127.0.0.1:1/",
        f"postgresql://u:{PASSWORD}%\r0@127.0.0.1:1/db",
        f"postgresql://u:{PASSWORD}%zz@127.0.0.1:1/db",
        f"postgresql://u:{PASSWORD[:3]}%41{PASSWORD[3:]}@127.0.0.1:1/db",
        f"postgresql://u:{PASSWORD}@127.0.0.1:1/db?sslmode=bogus",
        f"postgresql://u:{PASSWORD}@127.0.0.1:1/db",
    ],
)
def test_a_refusal_names_where_and_never_the_password(url: str) -> None:
    with pytest.raises(StoreUnavailable) as refused:
        connect(url)
    assert PASSWORD not in str(refused.value) and "S3c" not in str(refused.value)
    assert "\n" not in str(refused.value)


@given(noise=st.text(max_size=12))
def test_any_password_is_kept_out_of_the_refusal(noise: str) -> None:
    url = f"postgresql://u:{PASSWORD}{noise}@127.0.0.1:1/db"
    try:
        connect(url)
    except StoreUnavailable as refused:
        assert PASSWORD not in str(refused)
