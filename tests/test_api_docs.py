"""The integrator page (app/content/knowledge/api-integration.md) works as written: an employer
creates a key in the portal, every ```bash curl example of the page runs with real curl against
a live server of the demo city and answers as the page says; the filings then show in the web
portal, another unit's key sees none of them, and the retried hire filed nothing twice."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import login
from tests.test_api_support import known_ids, new_key, serve

PAGE = Path(__file__).resolve().parent.parent / "app" / "content" / "knowledge" / \
    "api-integration.md"


def curl_blocks(text: str) -> list[str]:
    return [b for b in re.findall(r"```bash\n(.*?)```", text, re.S) if "curl" in b]


def test_the_page_has_the_front_matter_the_knowledge_base_loader_reads():
    text = PAGE.read_text(encoding="utf-8")
    head = text.split("---")[1]
    assert "kind: integration" in head and "slug: api-integration" in head
    assert "title: 系统对接指南（REST API）" in head
    blocks = curl_blocks(text)
    for what in ("/filing/hire", "/filing/renewal", "/filing/termination", "/batch/",
                 "Idempotency-Key", "/security/login"):
        assert any(what in b for b in blocks), what
    assert all(re.search(r"# 预期：HTTP \d{3}", b) for b in blocks)


def key_from_portal(app) -> str:
    client = login(app.test_client(), "employer")
    page = client.post("/portal/api-keys/", data={"name": "文档示例系统"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    match = re.search(r'id="new-key" value="(bk_[^"]+)"', html)
    assert match, html[:2000]
    assert "只显示这一次" in html
    # shown once: the list page afterwards does not contain it
    assert match.group(1) not in client.get("/portal/api-keys/").get_data(as_text=True)
    return match.group(1)


def run_block(block: str, env: dict) -> tuple[int, str]:
    command = block.replace("curl -s", "curl -s -w '\\n%{http_code}'", 1)
    result = subprocess.run(["bash", "-c", command], env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, (block, result.stderr)
    body, _, status = result.stdout.rpartition("\n")
    return int(status), body


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_every_curl_example_runs_against_the_demo_city(app):
    from app.extensions import db
    from app.models.filings import Filing
    from app.services.bulk.processing import process_batch

    key = key_from_portal(app)
    base, stop = serve(app)
    env = {**os.environ, "BEIAN_URL": base, "BEIAN_KEY": key}
    results = []
    try:
        for block in curl_blocks(PAGE.read_text(encoding="utf-8")):
            if "$BATCH_ID" in block:  # the scheduler's work, done here at once
                with app.test_request_context():
                    process_batch(int(env["BATCH_ID"]))
                    db.session.remove()
            status, body = run_block(block, env)
            expected = int(re.search(r"# 预期：HTTP (\d{3})", block).group(1))
            assert status == expected, (block, status, body[:1500])
            payload = json.loads(body)
            results.append((block, payload))
            saved = re.search(r"# 保存：(.+)", block)
            for pair in (saved.group(1).split() if saved else ()):
                name, field = pair.split("=")
                env[name] = str(payload[field])
    finally:
        stop()

    hires = [p for b, p in results if "/filing/hire" in b and p.get("receipt_number")]
    assert len(hires) == 2 and hires[0]["id"] == hires[1]["id"]  # the retry filed nothing twice
    renewal = next(p for b, p in results if "/filing/renewal" in b)
    termination = next(p for b, p in results if "/filing/termination" in b)
    batch = next(p for b, p in results if "$BATCH_ID" in b)
    assert batch["filed"] == 2, batch
    batch_receipts = [r["receipt_number"] for r in batch["rows"]]
    receipts = [hires[0]["receipt_number"], renewal["receipt_number"],
                termination["receipt_number"], *batch_receipts]
    assert all(receipts)
    errors = next(p for b, p in results if "shoe_size" in b)["errors"]
    assert {"UNKNOWN_FIELD", "FIELD_REQUIRED"} <= {e["code"] for e in errors}

    # The employer sees them in the web portal …
    portal = login(app.test_client(), "employer")
    listed = portal.get("/portal/filings").get_data(as_text=True)
    listed += portal.get("/portal/filings?page=2").get_data(as_text=True)
    for receipt in receipts:
        assert receipt in listed, receipt
    with app.app_context():
        assert db.session.get(Filing, hires[0]["id"]).channel.name == "API"
        db.session.remove()

    # … another unit's key sees none of them.
    other = new_key(app, known_ids(app)["unit_out"], name="文档对照")
    client = app.test_client()
    h = {"Authorization": f"Bearer {other}"}
    theirs = client.get("/api/v1/filing/?page_size=100", headers=h).get_json()
    assert not set(receipts) & {f["receipt_number"] for f in theirs["result"]}
    for filing_id in (hires[0]["id"], renewal["id"], termination["id"]):
        assert client.get(f"/api/v1/filing/{filing_id}", headers=h).status_code == 404
