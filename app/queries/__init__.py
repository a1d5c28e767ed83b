"""The read layer: every list and look-up (filings, rosters, persons, units, batches), with the
jurisdiction applied here and nowhere else, keyset pagination and capped counts. Faces (views,
API, counter) read through it; use cases write through app.services."""
