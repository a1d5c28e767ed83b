"""Bulk filing's pure rules (批量导入备案): the template columns (columns), reading one row's
cells (rows), reading an uploaded file safely (files) and the refusals (errors)."""
