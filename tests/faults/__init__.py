"""Helpers for fault tests, and the tests that use them.

- ``process.GatewayProcess``: a gateway in a process of its own (``uvicorn --factory``), so a
  test can measure it from outside, stall its database, or kill it.
- ``locks.write_lock``: another connection holding the database's write lock (SQLite's
  ``BEGIN IMMEDIATE``, PostgreSQL's table lock) until the block ends.
- ``proxy.FaultProxy``: a TCP proxy between the gateway and PostgreSQL that can pass, stall,
  drop or reset connections.
"""
