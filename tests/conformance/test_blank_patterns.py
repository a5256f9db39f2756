"""The OpenAPI files' "not blank" pattern says what the server calls blank.

Every dialect calls a string blank when Python's ``str.strip`` leaves nothing of it. The files
state that rule as a pattern. A pattern written with ``\\s`` said something else to a
schema-driven client: ECMAScript's ``\\s`` leaves out U+001C to U+001F and U+0085, which Python
strips, so a name of one U+001C was valid by the schema and refused by the server.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

OPENAPI = Path(__file__).resolve().parents[2] / "openapi"
WHITESPACE = [chr(c) for c in range(0x110000) if chr(c).isspace()]
NOT_WHITESPACE = ["a", "\ufeff", "\x1b", "\x7f", "\u200b", "\u180e", "é"]


def patterns(node):
    if isinstance(node, dict):
        if isinstance(node.get("pattern"), str) and "\\x00]*$" in node["pattern"] \
                and node["pattern"].count("[") > 2:
            yield node["pattern"]
        for value in node.values():
            yield from patterns(value)
    elif isinstance(node, list):
        for value in node:
            yield from patterns(value)


@pytest.mark.parametrize("path", sorted(OPENAPI.glob("*.yaml")), ids=lambda p: p.stem)
def test_the_not_blank_pattern_is_the_servers_rule(path):
    found = set(patterns(yaml.safe_load(path.read_text())))
    if path.stem != "schemathesis":
        assert found, f"{path.name} states no not-blank pattern"
    for pattern in found:
        # ``\s`` means one set to Python and another to ECMAScript (which OpenAPI's patterns
        # follow): the characters are spelled out instead.
        assert "\\s" not in pattern, (path.name, pattern)
        rule = re.compile(pattern)
        for text in [*WHITESPACE, "".join(WHITESPACE), *NOT_WHITESPACE, " x ", "\x1cx"]:
            assert bool(rule.fullmatch(text)) == bool(text.strip()), (path.name, repr(text))
