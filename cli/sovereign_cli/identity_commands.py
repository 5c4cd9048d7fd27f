"""``sov identity``: create client users with role attributes, list them."""

from __future__ import annotations

from typing import Any

import click

from sovereign_cli.common import ExitCode, Settings, emit, errors_to_exit_codes, fail, open_network


@click.group()
def identity() -> None:
    """Client identities issued by each org's CA."""


def _parse_attrs(pairs: tuple[str, ...]) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            fail(f"attribute {pair!r} is not NAME=VALUE", ExitCode.USAGE)
        attrs[name] = value
    return attrs


@identity.command()
@click.argument("org")
@click.argument("name")
@click.option("--role", help="The role attribute (issuer, registrar, primary_dealer, bank, ...).")
@click.option("--attr", "attrs", multiple=True, help="Another attribute, NAME=VALUE (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_obj
def create(
    settings: Settings,
    org: str,
    name: str,
    role: str | None,
    attrs: tuple[str, ...],
    as_json: bool,
) -> None:
    """Issue a certificate for user NAME of ORG (name or MSP ID)."""
    settings.as_json = settings.as_json or as_json
    attributes = _parse_attrs(attrs)
    if role:
        attributes["role"] = role
    with errors_to_exit_codes():
        net = open_network(settings, need_fabric=False)
        target = net.topology.org(org)
        paths = net.create_user(target, name, attributes)
    payload = {
        "org": target.msp_id,
        "name": name,
        "attributes": attributes,
        "certificate": str(paths.cert),
        "private_key": str(paths.key),
    }
    emit(settings, payload, lambda: click.echo(f"created {name} in {target.msp_id}: {paths.cert}"))


@identity.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_obj
def list_(settings: Settings, as_json: bool) -> None:
    """Every org's client users and their attributes."""
    settings.as_json = settings.as_json or as_json
    with errors_to_exit_codes():
        net = open_network(settings, need_fabric=False)
        rows: list[dict[str, Any]] = [
            {"org": org.msp_id, "name": name, "attributes": attrs}
            for org in net.topology.orgs
            for name, attrs in net.users(org).items()
        ]

    def human() -> None:
        for row in rows:
            shown = ", ".join(f"{k}={v}" for k, v in sorted(row["attributes"].items()))
            click.echo(f"{row['org']:<16}{row['name']:<16}{shown}")

    emit(settings, rows, human)
