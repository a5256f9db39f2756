"""How a contract run is shown: a table with a progress line on a terminal (rich), one JSON
object per check with ``--json`` (then a summary object), JUnit XML with ``--junit``."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import orjson

from .scenario import FAILED, SKIPPED, Result


class Report:
    def __init__(self, *, json: bool, title: str) -> None:
        self.json = json
        self.title = title
        self.results: list[Result] = []

    def follow(self, results: Iterable[Result]) -> Iterator[Result]:
        """Show each result as it comes (a progress line on a terminal, a JSON line)."""
        console = None
        if not self.json and sys.stderr.isatty():
            from rich.console import Console
            console = Console(stderr=True)
        for result in results:
            self.results.append(result)
            if self.json:
                sys.stdout.write(orjson.dumps(result.as_dict()).decode() + "\n")
                sys.stdout.flush()
            elif console is not None:
                console.print(f"[dim]{len(self.results):>3}[/] {result.name}: {result.status}",
                              highlight=False)
            yield result

    @property
    def failed(self) -> int:
        return sum(r.status == FAILED for r in self.results)

    def summary(self, **extra: Any) -> dict[str, Any]:
        counts = Counter(r.status for r in self.results)
        return {"summary": True, "title": self.title, "checks": len(self.results),
                "passed": counts["passed"], "failed": counts["failed"],
                "skipped": counts["skipped"], **extra}

    def finish(self, **extra: Any) -> None:
        summary = self.summary(**extra)
        if self.json:
            sys.stdout.write(orjson.dumps(summary).decode() + "\n")
            return
        from rich.console import Console
        from rich.table import Table

        table = Table(title=self.title)
        for column in ("check", "result", "request", "expected", "got"):
            table.add_column(column, overflow="fold")
        style = {"passed": "green", "failed": "bold red", "skipped": "yellow"}
        for r in self.results:
            table.add_row(r.name, f"[{style[r.status]}]{r.status}[/]", r.request,
                          r.expected if r.status == FAILED else "", r.got)
        console = Console(width=160) if not sys.stdout.isatty() else Console()
        console.print(table)
        console.print(f"{summary['passed']} passed, {summary['failed']} failed, "
                      f"{summary['skipped']} skipped"
                      + "".join(f"; {k}: {v}" for k, v in extra.items() if v))

    def junit(self, path: Path) -> None:
        suite = ElementTree.Element("testsuite", name=self.title, tests=str(len(self.results)),
                                    failures=str(self.failed),
                                    skipped=str(sum(r.status == SKIPPED for r in self.results)),
                                    time=f"{sum(r.seconds for r in self.results):.3f}")
        for r in self.results:
            case = ElementTree.SubElement(suite, "testcase", classname=self.title, name=r.name,
                                          time=f"{r.seconds:.3f}")
            if r.status == FAILED:
                failure = ElementTree.SubElement(case, "failure",
                                                 message=f"expected {r.expected}")
                failure.text = f"{r.request}\nexpected: {r.expected}\ngot: {r.got}"
            elif r.status == SKIPPED:
                ElementTree.SubElement(case, "skipped", message=r.got)
        root = ElementTree.Element("testsuites")
        root.append(suite)
        ElementTree.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
