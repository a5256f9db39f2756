"""The client store: tables, services and migrations shared by every dialect.

Nothing in ``core`` knows about HTTP. Dialects call the services in ``core.store.Store`` with a
``Scope`` and get plain dicts back, or one of the errors in ``core.errors``.
"""
