"""Domain errors raised by the store and translated to vendor bodies by each dialect.

::

    StoreError
     +-- NotFound    the thing does not exist inside the caller's scope
     +-- Invalid     input the store refuses: {field: [code, ...]}
     +-- Conflict    a uniqueness rule (e.g. an email already taken): also an Invalid
     +-- Unavailable the database did not answer in time, or at all (down, restarting, locked
                     past the wait, a timeout): worth retrying after ``retry_after`` seconds

Field names are the store's (``workspace``, ``email``, ``category``, ``owner``,
``custom_fields.<name>``); codes are short words (``required``, ``taken``, ``unknown``,
``max_length``, ``invalid``, ``not_member``) that each dialect turns into its own message.
"""

from __future__ import annotations


class StoreError(Exception):
    """Base of every error the store raises on purpose."""


class NotFound(StoreError):
    def __init__(self, resource: str = "client", key: object = None) -> None:
        super().__init__(f"{resource} {key!r} not found")
        self.resource = resource
        self.key = key


class Invalid(StoreError):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors

    @classmethod
    def one(cls, field: str, code: str) -> Invalid:
        return cls({field: [code]})


class Conflict(Invalid):
    """A uniqueness rule was broken; raised as an ``Invalid`` with the code ``taken``."""

    def __init__(self, field: str) -> None:
        super().__init__({field: ["taken"]})
        self.field = field


class Unavailable(StoreError):
    """The database could not serve the call: a dropped or refused connection, a timeout, a lock
    held past the wait. Nothing was written. The cause is chained (``__cause__``)."""

    def __init__(self, reason: str, *, retry_after: int = 1) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
