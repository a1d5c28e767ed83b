"""The stats capability: the employment barometer (就业晴雨表). The aggregation lives in
``build`` (with ``sql`` for date buckets), the dashboards' datasets in ``queries``, their
exports in ``exports`` and service push (精准推送) in ``push``."""
