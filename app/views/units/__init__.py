"""Employers (用人单位): staff administration within jurisdiction (admin) and the public online
account opening (registration)."""
