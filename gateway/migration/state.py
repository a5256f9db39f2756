"""An import's state on disk, so that a run killed half way is finished by running it again.

The pages read from the source are appended to ``pages.jsonl`` (one page a line, flushed and
synced before the next is asked for); how many of their records are written, and what happened
to them, is in ``progress.json`` (replaced atomically after each batch commits). A new run of
the same import (same dialect, source, tenant and workspaces) reads the pages it has, asks the
source only for the rest, and writes from where the last run's last commit left off; a batch
that committed just before the kill is written again and found unchanged. A run that finishes
removes its state.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from .source import SourceError


class State:
    def __init__(self, path: Path, identity: dict[str, Any]) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        meta = path / "import.json"
        if meta.exists():
            if orjson.loads(meta.read_bytes()) != identity:
                raise SourceError(f"{path} holds the state of another import; remove it or "
                                  "choose another --state")
        else:
            _replace(meta, identity)
        self._pages = path / "pages.jsonl"
        self._progress = path / "progress.json"
        #: By workspace: the index of the last page read, and whether it was the last page.
        self.read: dict[str, tuple[int, bool]] = {}
        self.pages = 0
        good = 0
        if self._pages.exists():
            with self._pages.open("rb") as f:
                for raw in f:
                    if not raw.endswith(b"\n"):
                        break  # cut by a kill mid-write: asked for again
                    page = orjson.loads(raw)
                    self.read[_key(page["w"])] = (page["i"], page["last"])
                    self.pages += 1
                    good += len(raw)
            with self._pages.open("r+b") as f:
                f.truncate(good)
        progress = orjson.loads(self._progress.read_bytes()) if self._progress.exists() else {}
        self.written: int = progress.get("written", 0)
        self.tally: dict[str, int] = progress.get("tally", {})
        self.failures: list[str] = progress.get("failures", [])
        self.resumed = good > 0 or self.written > 0

    def next_page(self, workspace: Any) -> int | None:
        """The index of the next page to read of ``workspace``; ``None`` when all are read."""
        index, last = self.read.get(_key(workspace), (-1, False))
        return None if last else index + 1

    def add_page(self, workspace: Any, index: int, last: bool, items: list[Any]) -> None:
        with self._pages.open("ab") as f:
            f.write(orjson.dumps({"w": workspace, "i": index, "last": last, "items": items})
                    + b"\n")
            f.flush()
            os.fsync(f.fileno())
        self.read[_key(workspace)] = (index, last)
        self.pages += 1

    def items(self) -> Iterator[tuple[Any, int, int, Any]]:
        """Every record read, as ``(workspace, page index, position, object)``."""
        if not self._pages.exists():
            return
        with self._pages.open("rb") as f:
            for raw in f:
                page = orjson.loads(raw)
                for position, item in enumerate(page["items"]):
                    yield page["w"], page["i"], position, item

    def save(self, written: int, tally: dict[str, int], failures: list[str]) -> None:
        self.written = written
        _replace(self._progress, {"written": written, "tally": tally, "failures": failures})

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def _key(workspace: Any) -> str:
    return orjson.dumps(workspace).decode()


def _replace(path: Path, value: Any) -> None:
    partial = path.with_suffix(".partial")
    with partial.open("wb") as f:
        f.write(orjson.dumps(value))
        f.flush()
        os.fsync(f.fileno())
    os.replace(partial, path)
