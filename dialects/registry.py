"""The dialects the gateway can mount: the in-tree ones, then any installed through the
``clientgate.dialects`` entry-point group (each entry point names a ``Dialect`` instance)."""

from __future__ import annotations

from importlib.metadata import entry_points

from .fullengage import dialect as fullengage
from .gitscrum import dialect as gitscrum
from .growcrm import dialect as growcrm
from .kit.base import Dialect
from .outlign import dialect as outlign
from .talynce import dialect as talynce

DIALECTS: dict[str, Dialect] = {
    d.name: d for d in (outlign, gitscrum, growcrm, fullengage, talynce)
}


def available() -> dict[str, Dialect]:
    found = dict(DIALECTS)
    for ep in entry_points(group="clientgate.dialects"):
        if ep.name not in found:
            found[ep.name] = ep.load()
    return found


def load(names: list[str] | None = None) -> list[Dialect]:
    """The dialects to mount: ``names`` in order, or every available one."""
    found = available()
    if not names:
        return list(found.values())
    unknown = [n for n in names if n not in found]
    if unknown:
        raise ValueError(f"unknown dialect(s): {', '.join(unknown)}; known: {', '.join(found)}")
    return [found[n] for n in names]
