"""Talynce fixtures: its resource for the tests it shares with the other Next.js dialect
(``tests/dialects/nextjs.py``)."""

from __future__ import annotations

import pytest

from tests.dialects.nextjs import Api

from .common import API


@pytest.fixture
def api() -> Api:
    return API
