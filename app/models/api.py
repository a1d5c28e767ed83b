"""REST API: per-unit API keys, idempotency records (issue "REST API")."""
