"""Employers (用人单位): check a unit's record (prepare), register one or open an account online
(register), approve or suspend its account (account)."""

from app.services.units.register import register_unit  # noqa: F401  (the entry point tests and demo use)
