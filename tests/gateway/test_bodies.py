"""Form bodies decode as PHP decodes them (``dialects.kit.bodies``)."""

from __future__ import annotations

import pytest

from dialects.kit.bodies import parse_form


@pytest.mark.parametrize(("body", "fields"), [
    (b"tags[]=a&tags[]=b", {"tags": ["a", "b"]}),
    (b"tags[1]=b&tags[0]=a", {"tags": ["a", "b"]}),
    (b"a[b]=c", {"a": {"b": "c"}}),
    # Keys that are digits to Python but no number to PHP name fields, not list positions.
    ("tags[²]=a".encode(), {"tags": {"²": "a"}}),
    ("tags[٣]=a&tags[0]=b".encode(), {"tags": {"٣": "a", "0": "b"}}),
])
def test_numbered_keys_are_lists_only_in_ascii_digits(body, fields):
    assert parse_form(body) == fields
