"""Moving an integration's clients in, with every id they had, and a tenant's clients out.

``source`` reads a vendor's API through a dialect's own declarations (its listing, paging and
client object); ``records`` turns what it reads, or an export file's lines (``files``), into the
store's ``Incoming`` records; ``state`` keeps a live import's progress on disk; ``runner`` puts
them together for ``clientgate import`` and ``clientgate export``.
"""
