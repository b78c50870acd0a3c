"""Fixtures of the warehouse tests: a home started as an operator would."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.homes import Home


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Home]:
    """A home whose embedded warehouse was started by ``danvan warehouse start``."""
    home = Home.create(tmp_path_factory.mktemp("home") / "danvan")
    home.run("warehouse", "start")
    yield home
    home.run("warehouse", "stop", check=False)
