"""Demo data, kept out of the runtime: the demo city (a fictitious Wuxi-like city and its people),
its "1+3" services and barometer, and years of generated history. Only `flask beian demo` (demo
mode only), the tests and the benchmarks import it."""

from __future__ import annotations


def build_demo(*, units: int = 300, persons: int = 5000, hires: int = 200) -> dict:
    """The demo city, then its events, key enterprises and desk case, then its barometer's
    aggregates (each idempotent)."""
    from app.demo.city import build_demo_city
    from app.demo.outreach import seed_demo as build_demo_services
    from app.demo.stats import seed_demo as build_demo_aggregates

    result = build_demo_city(units=units, persons=persons, hires=hires)
    result.update(build_demo_services())
    result.update(build_demo_aggregates())
    return result
