"""Talynce's error bodies: ``{"error": "..."}`` as its Next.js route handlers answer, with
``details`` by field on a 400 for invalid input (docs/dialects/talynce.md)."""

from __future__ import annotations

from dialects import nextjs

CLIENT_NOT_FOUND = "Client not found"

BODIES = nextjs.ErrorBodies(missing={"client": CLIENT_NOT_FOUND})
