"""Contract testing as a product: ``clientgate contract`` checks any server (the gateway, a
staging copy, the real vendor) against a dialect, and ``clientgate diff`` runs the same checks
against two servers and names every difference.

``spec`` reads a dialect's OpenAPI file (documented statuses, response schemas); ``scenario``
is the ordered run of named checks an integration would meet, over HTTP, touching only records
it made; ``fuzz`` is the bounded property-based stage (schemathesis as a library); ``report``
writes a run as a table, JSON lines or JUnit XML; ``shapes`` compares two runs.
"""
