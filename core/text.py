"""Text as the store compares it: case folded the same way on both databases, and email
addresses in one normal form.

``fold`` is Unicode's simple lowercase mapping, one character to one: what PostgreSQL's
``lower()`` does under a UTF-8 ctype (``C.UTF-8``, ``en_US.UTF-8``), and what SQLite's own
``lower()`` does for ASCII only. SQLite connections get it as ``cg_fold`` (``db.configure_sqlite``)
and ``folded(column)`` compiles to that on SQLite and to ``lower()`` elsewhere, so a search finds
"Über Logistik" for "über" on either database, and a fold never changes a string's length.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

#: Where ``str.lower`` is not the simple mapping: İ's full lowercase is two characters, and a
#: whole-string lower() writes a final sigma (ς) where the per-character mapping writes σ.
_SPECIAL = frozenset("\u0130\u03a3")


def fold(text: str) -> str:
    """``text`` with every character mapped to its simple lowercase."""
    if text.isascii() or not _SPECIAL.intersection(text):
        return text.lower()
    return "".join("i" if ch == "\u0130" else ch.lower() for ch in text)


def fold_or_none(text: Any) -> Any:
    """``fold`` for SQLite, which calls it with NULLs (and whatever a column holds) too."""
    return fold(text) if isinstance(text, str) else text


class folded(FunctionElement):  # noqa: N801 (a SQL function, named as one)
    """``folded(column)``: the column case folded by ``fold``, on either database."""

    type = sa.String()
    name = "folded"
    inherit_cache = True


@compiles(folded)
def _lower(element: folded, compiler: Any, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(folded, "sqlite")
def _cg_fold(element: folded, compiler: Any, **kw: Any) -> str:
    return f"cg_fold({compiler.process(element.clauses, **kw)})"


# -- email addresses ------------------------------------------------------------------------------

#: Characters that show nothing (zero-width spaces and joiners, the BOM, bidi controls): an
#: address holding one only looks like another.
def invisible(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cf" for ch in text)


def email_form(address: str) -> str:
    """An address as it is stored and shown: NFKC (full-width letters become ASCII, an NFD é
    becomes one character)."""
    return unicodedata.normalize("NFKC", address)


def email_key(address: str) -> str:
    """An address as compared for uniqueness: NFKC, then case folded."""
    return email_form(address).casefold()
