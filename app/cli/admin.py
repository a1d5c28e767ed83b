"""`flask beian init` (code lists, correction rules, roles, knowledge base) and
`flask beian create-user`."""

from __future__ import annotations

import click

from app.domain.errors import DomainError


def seed_reference_data() -> dict[str, object]:
    """What every installation needs, idempotent: the code lists and default correction rules,
    the roles and their permissions, the knowledge-base articles."""
    from app.extensions import appbuilder
    from app.services.outreach.seed import seed as load_knowledge
    from app.services.seed import seed_code_lists

    return {"code lists": seed_code_lists(), "roles": appbuilder.sm.sync_roles(),
            "knowledge base": load_knowledge()}


def register(beian_group) -> None:
    @beian_group.command("init")
    def init_command() -> None:
        """Seed code lists and sync roles/permissions (idempotent; run once per deploy)."""
        seeded = seed_reference_data()
        roles = ", ".join(f"{k}={v}" for k, v in seeded["roles"].items())
        click.echo(f"code lists: {seeded['code lists']} new codes; roles synced: {roles}")
        if seeded["knowledge base"]:
            click.echo(f"knowledge base: {seeded['knowledge base']}")

    @beian_group.command("create-user")
    @click.option("--username", required=True)
    @click.option("--name", required=True, help="Display name")
    @click.option("--email", required=True)
    @click.option("--role", required=True)
    @click.option("--office", "office_name", default=None, help="Office name (staff)")
    @click.option("--unit-credit-code", default=None, help="Unit credit code (employer users)")
    @click.password_option()
    def create_user_command(username, name, email, role, office_name, unit_credit_code,
                            password):
        """Create a staff or employer user linked to its office or unit."""
        from app.services.accounts.create import create_user
        from app.services.actor import Actor

        try:
            create_user(Actor.system(), username=username, name=name, email=email, role=role,
                        password=password, office_name=office_name,
                        unit_credit_code=unit_credit_code)
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
        click.echo(f"user {username} created with role {role}")
