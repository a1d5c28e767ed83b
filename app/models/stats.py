"""Aggregate tables of the employment barometer (issue "Statistics")."""
