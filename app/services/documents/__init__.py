"""Printed documents of filings (备案表 / 回执): render (Jinja + xhtml2pdf), sign (PAdES), queue,
verify and batch-download — one module per concern."""
