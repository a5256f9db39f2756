"""Laravel's ``integer`` rule, shared by the Laravel-built dialects (``dialects/laravel.py``)."""

from __future__ import annotations

import pytest
from marshmallow import Schema, ValidationError

from dialects.laravel import integer

ONE = Schema.from_dict({"page": integer("page")})()


@pytest.mark.parametrize("value", ["12", "-3", 12])
def test_digits_are_integers(value):
    assert ONE.load({"page": value}) == {"page": int(value)}


@pytest.mark.parametrize("value", ["\u0663", "\u00b2", "1.5", "1e2", " 1", True])
def test_anything_else_is_not(value):
    # ``filter_var(FILTER_VALIDATE_INT)`` reads ASCII digits only; Python's int() reads "٣".
    with pytest.raises(ValidationError) as raised:
        ONE.load({"page": value})
    assert raised.value.messages == {"page": ["The page field must be an integer."]}
