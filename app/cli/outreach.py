"""`flask beian kb-load`: load the knowledge-base articles."""

from __future__ import annotations

import click


def register(beian_group) -> None:
    @beian_group.command("kb-load")
    @click.option("--directory", default=None, help="Folder of knowledge *.md files")
    def kb_load_command(directory):
        """Load the knowledge-base articles (guides, FAQs, manual …) from Markdown files."""
        from app.services.outreach.knowledge import load_knowledge

        click.echo(f"knowledge base: {load_knowledge(directory)}")
