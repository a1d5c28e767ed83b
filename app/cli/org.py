"""`flask beian org-load FILE` loads the city's regions and offices; `flask beian org-template
OUT` writes the file's template."""

from __future__ import annotations

from pathlib import Path

import click


def register(beian_group) -> None:
    @beian_group.command("org-load")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def org_load_command(path: Path) -> None:
        """Load regions and offices from an xlsx or CSV file (all rows or none; idempotent)."""
        from app.services.actor import Actor
        from app.services.org.load import load_org_file

        result = load_org_file(Actor.system(), path.read_bytes(), path.name)
        if result.refused:
            for error in result.errors:
                click.echo(error.message, err=True)
            raise click.ClickException(
                f"文件未导入（{len(result.errors)}处错误，未写入任何数据）。请改正后重新导入。")
        for label, counts in (("regions", result.regions), ("offices", result.offices)):
            click.echo(f"{label}: " + ", ".join(f"{k}={v}" for k, v in counts.items()))

    @beian_group.command("org-template")
    @click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), default=None,
                  help="Defaults to the extension of OUT, else xlsx.")
    @click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
    def org_template_command(fmt: str | None, out: Path) -> None:
        """Write the organisation file's template (header row and example rows)."""
        from app.services.org.template import org_template

        fmt = fmt or ("csv" if out.suffix.lower() == ".csv" else "xlsx")
        out.write_bytes(org_template(fmt))
        click.echo(f"template written to {out} ({fmt})")
