"""Values the database's JSON (``core.documents``) must write exactly as the Python rendering
does: text JSON has to escape or carry, amounts at the column's edges, fractions of a second
that a rounding would turn into the next second."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import strategies as st

#: Text the store takes (no NUL): quotes, backslashes, control characters, line and paragraph
#: separators, astral characters, blanks only, markup.
TEXT = ['"quoted" \\ back\\slash', "tab\there\nnew\r\nline", "\x01\x1f\x7f controls",
        "\u2028\u2029 separators", "emoji 😀 and ß, İ, Σ", "   ", "", "</script>",
        "\u00a0no-break\u00a0", "'single' and `tick`"]
AMOUNTS = [Decimal(0), Decimal(125000), Decimal("1250.5"), Decimal("0.01"),
           Decimal("999999999999.99"), Decimal("12.30"), Decimal("-5.25"), Decimal("100.10")]
TIMES = [datetime(2025, 6, 15, 10, 0, 59, 999999, tzinfo=UTC),
         datetime(1999, 12, 31, 23, 59, 59, tzinfo=UTC),
         datetime(2024, 2, 29, 0, 0, 0, 1, tzinfo=UTC),
         datetime(2024, 2, 29, 0, 0, 0, 999000, tzinfo=UTC)]

#: Metadata documents: nesting, every JSON type, numbers JSON readers treat differently (an
#: integer past 64 bits, which orjson reads as a float; 1e30, which jsonb keeps as 31 digits).
METADATA = [{}, {"a": {"b": [1, 2.5, None, True, "x"]}, "z": "\u2028"},
            {"big": 1e30, "small": 1e-7, "neg": -0.0}, {"whole": 1.0, "long": 12345678901234567},
            {"text": '"\\ \n\x01'}, {"list": [[], {}, [{"k": "v"}]]}]

text = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"),
               max_size=40)
short_text = text.map(lambda t: t[:50])
times = st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1),
                     timezones=st.just(UTC))
