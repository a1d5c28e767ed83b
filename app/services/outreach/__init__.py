"""The outreach capability ("1+3" services): events (events), key-enterprise service
(enterprises), the district issue desk and joint meetings (desk), the knowledge base (knowledge);
who may do what in access. It listens to the core through listeners (connected by create_app).

Other capabilities call one function here: ``link_filings(case_id, filing_ids, actor)`` — bulk
filing, when a staff upload belongs to a special service case (整厂关停 …)."""

from __future__ import annotations


def link_filings(case_id: int, filing_ids: list[int], actor) -> int:
    """Link filings to a special service case; the actor must see the case and the filings.
    Idempotent; returns the number newly linked (see enterprises.link_filings)."""
    from app.services.outreach.enterprises import link_filings as link

    return link(case_id, filing_ids, actor)

