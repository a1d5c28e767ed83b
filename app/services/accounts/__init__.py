"""Platform accounts created by an administrator's command (staff linked to their office,
employer users linked to their unit)."""
