"""A dialect's query string as a dict (``kit.calls.query_dict``) is Starlette's ``QueryParams``
as a dict, for every query string, those with nothing to decode read without ``parse_qsl``."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st
from starlette.datastructures import QueryParams

from dialects.kit.calls import query_dict

PIECES = st.sampled_from(["a", "b", "company_slug", "=", "&", "&&", "%20", "%", "%zz", "+", ";",
                          "é", "[]", "x[y]", "", "1", "bench-slug", "%C3%A9", "\x00"])


@given(st.lists(PIECES, max_size=12).map("".join))
@example("company_slug=bench")
@example("a=1&a=2&b")
@example("a=b=c&&=x&")
def test_query_dict_is_starlettes_query_params_as_a_dict(text):
    raw = text.encode("utf-8")
    assert query_dict(raw) == dict(QueryParams(raw))
