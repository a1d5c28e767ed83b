"""Views of the api capability."""

from __future__ import annotations


def register(appbuilder) -> None:
    """Add this capability's views and menu entries."""
