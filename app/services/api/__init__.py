"""The api capability's use cases: API keys and the unit's API service account (keys), and
Idempotency-Key claims of API writes (idempotency)."""
