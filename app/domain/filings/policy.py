"""Thresholds and deadlines of the filing rules are settings (FilingPolicy)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class FilingPolicy:
    """Thresholds and deadlines of the filing rules (the defaults are the legal ones).

    - ``min_working_age``: 劳动法第十五条 (no hiring under 16);
    - ``hire_deadline_days`` / ``termination_deadline_days``: 就业服务与就业管理规定第六十二条
      (file within 30 days of the start, 15 days of the end);
    - ``mass_termination_*``: 劳动合同法第四十一条 (20 people, or 10% of the workforce) counted over a
      rolling window;
    - ``part_time_max_hours_*``: 劳动合同法第六十八条 (on average ≤ 4 h a day, ≤ 24 h a week).
    """

    min_working_age: int = 16
    hire_deadline_days: int = 30
    termination_deadline_days: int = 15
    mass_termination_window_days: int = 30
    mass_termination_percent: int = 10
    mass_termination_people: int = 20
    part_time_max_hours_day: int = 4
    part_time_max_hours_week: int = 24

    # config key -> attribute
    CONFIG_KEYS = {
        "BEIAN_MIN_WORKING_AGE": "min_working_age",
        "BEIAN_HIRE_DEADLINE_DAYS": "hire_deadline_days",
        "BEIAN_TERMINATION_DEADLINE_DAYS": "termination_deadline_days",
        "BEIAN_MASS_TERMINATION_WINDOW_DAYS": "mass_termination_window_days",
        "BEIAN_MASS_TERMINATION_PERCENT": "mass_termination_percent",
        "BEIAN_MASS_TERMINATION_PEOPLE": "mass_termination_people",
        "BEIAN_PT_MAX_HOURS_DAY": "part_time_max_hours_day",
        "BEIAN_PT_MAX_HOURS_WEEK": "part_time_max_hours_week",
    }

    def __post_init__(self) -> None:
        # A misconfigured threshold would silently wave filings through; refuse to start instead.
        for name in self.CONFIG_KEYS.values():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"FilingPolicy.{name} must be an integer, got {value!r}")
        if self.min_working_age < 0:
            raise ValueError("FilingPolicy.min_working_age must be >= 0")
        for name in ("hire_deadline_days", "termination_deadline_days"):
            if getattr(self, name) < 0:
                raise ValueError(f"FilingPolicy.{name} must be >= 0")
        for name in ("mass_termination_window_days", "mass_termination_people",
                     "part_time_max_hours_day", "part_time_max_hours_week"):
            if getattr(self, name) < 1:
                raise ValueError(f"FilingPolicy.{name} must be >= 1")
        if not 1 <= self.mass_termination_percent <= 100:
            raise ValueError("FilingPolicy.mass_termination_percent must be within 1..100")

    @classmethod
    def from_mapping(cls, config: Mapping[str, object]) -> FilingPolicy:
        """The policy from an app config (``current_app.config``); missing keys keep the defaults.

        >>> FilingPolicy.from_mapping({"BEIAN_HIRE_DEADLINE_DAYS": "20"}).hire_deadline_days
        20
        """
        values = {attr: int(config[key]) for key, attr in cls.CONFIG_KEYS.items() if key in config}
        return cls(**values)

