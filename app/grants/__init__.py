"""Each capability declares the permissions and menu entries it grants to each role in its own
module here (GRANTS: role → view → permissions, MENUS: role → menu names); app.security merges
them into ROLE_DEFINITIONS / ROLE_MENUS, which `flask beian init` syncs."""

from __future__ import annotations

from app.grants import api, bulk, outreach, stats

FEATURES = (outreach, stats, bulk, api)

