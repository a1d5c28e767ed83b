"""Signals between capabilities: a core use case announces what happened; a feature listens.
Listeners are connected by create_app() (and by the scheduler and commands, which build the app
the same way), so the core never imports a feature."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# A unit's account was approved (开户审核通过): sender is the Unit, kwargs: actor.
unit_approved = _signals.signal("unit-approved")
