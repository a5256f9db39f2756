"""``clientgate diff``: the same checks against two servers, and every difference in what came
back: status, content type, and the body's shape (keys, types, null against absent, date formats,
envelope, key order). Values bound to differ (ids, names, timestamps, request ids) are ignored;
with ``values=True`` scalars are compared too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .scenario import Exchange, Result

_FORMATS = [
    ("date-time, seconds, Z", re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")),
    ("date-time, milliseconds, Z", re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")),
    ("date-time, microseconds, Z", re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")),
    ("date-time, offset", re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:?\d\d")),
    ("date-time, local", re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?")),
    ("date", re.compile(r"\d{4}-\d\d-\d\d")),
    ("uuid", re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")),
]


def kind(value: Any) -> str:
    """A JSON value's type, with the format of a string that has one."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        for name, pattern in _FORMATS:
            if pattern.fullmatch(value):
                return f"string ({name})"
        return "string"
    return "array" if isinstance(value, list) else "object"


@dataclass(frozen=True)
class Difference:
    check: str
    where: str  # "status", "content type", "body.data[].createdAt", ...
    a: str
    b: str

    def line(self) -> str:
        return f"{self.check}: {self.where}: {self.a} against {self.b}"

    def as_dict(self) -> dict[str, str]:
        return {"check": self.check, "where": self.where, "a": self.a, "b": self.b}


def compare(check: str, a: Any, b: Any, where: str = "body", *,
            values: bool = False) -> list[Difference]:
    ka, kb = kind(a), kind(b)
    if ka != kb:
        return [Difference(check, where, ka, kb)]
    if isinstance(a, dict):
        found: list[Difference] = []
        for key in a.keys() | b.keys():
            if key not in b:
                found.append(Difference(check, f"{where}.{key}", kind(a[key]), "absent"))
            elif key not in a:
                found.append(Difference(check, f"{where}.{key}", "absent", kind(b[key])))
            else:
                found += compare(check, a[key], b[key], f"{where}.{key}", values=values)
        if not found and list(a) != list(b):
            found.append(Difference(check, f"{where} (key order)", ", ".join(a), ", ".join(b)))
        return sorted(found, key=lambda d: d.where)
    if isinstance(a, list):
        if not a or not b:
            return [] if bool(a) == bool(b) or not values else [
                Difference(check, f"{where} (length)", str(len(a)), str(len(b)))]
        return compare(check, a[0], b[0], f"{where}[]", values=values)
    if values and a != b:
        return [Difference(check, f"{where} (value)", repr(a), repr(b))]
    return []


def exchanges(check: str, a: list[Exchange], b: list[Exchange], *,
              values: bool = False) -> list[Difference]:
    if len(a) != len(b):
        return [Difference(check, "requests", str(len(a)), str(len(b)))]
    found: list[Difference] = []
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        step = f"{check}" if len(a) == 1 else f"{check} ({i + 1}: {x.method} {x.path})"
        if x.status != y.status:
            found.append(Difference(step, "status", str(x.status), str(y.status)))
        tx, ty = (e.content_type.split(";", 1)[0].strip() for e in (x, y))
        if tx != ty:
            found.append(Difference(step, "content type", tx or "none", ty or "none"))
        found += compare(step, x.body, y.body, values=values)
    return found


def results(a: list[Result], b: list[Result], *, values: bool = False) -> list[Difference]:
    """Every difference between two runs of the same checks."""
    by_name = {r.name: r for r in b}
    found: list[Difference] = []
    for ra in a:
        rb = by_name.get(ra.name)
        if rb is None:
            found.append(Difference(ra.name, "check", ra.status, "not run"))
            continue
        if ra.status != rb.status and "skipped" in (ra.status, rb.status):
            found.append(Difference(ra.name, "check", ra.status, rb.status))
            continue
        found += exchanges(ra.name, ra.exchanges, rb.exchanges, values=values)
    return found
