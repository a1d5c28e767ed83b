"""Role grants of the outreach capability (merged by app.grants into app.security's definitions)."""

from __future__ import annotations

GRANTS: dict[str, dict[str, tuple[str, ...]]] = {}
MENUS: dict[str, tuple[str, ...]] = {}
