"""Bulk filing batches from spreadsheet uploads (issue "Bulk filing")."""
