"""`flask beian kb-load`: load the knowledge-base articles. Also the capability's hooks
`flask beian init` / `demo` still reach through app.features (seed, seed_demo)."""

from __future__ import annotations

import click


def register(beian_group) -> None:
    @beian_group.command("kb-load")
    @click.option("--directory", default=None, help="Folder of knowledge *.md files")
    def kb_load_command(directory):
        """Load the knowledge-base articles (guides, FAQs, manual …) from Markdown files."""
        from app.services.outreach.knowledge import load_knowledge

        click.echo(f"knowledge base: {load_knowledge(directory)}")


# -- hooks of app.features (TRANSITIONAL: `flask beian init` and `demo` call them) --------------

def seed() -> dict:
    from app.services.outreach.seed import seed as load_reference_articles

    return load_reference_articles()


def seed_demo() -> dict:
    from app.demo.outreach import seed_demo as build_demo_services

    return build_demo_services()


def scheduled_jobs(app) -> tuple:
    return ()  # app.jobs.outreach, listed in app.jobs.JOB_MODULES


def register_commands(beian_group) -> None:
    """Nothing: `register` runs through app.cli.COMMAND_MODULES."""
