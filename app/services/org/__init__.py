"""The city's own organisation (regions and offices): load it from a file (load) and hand out
the file's template (template)."""
