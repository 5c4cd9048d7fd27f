"""``sov identity``: client users with role attributes, made locally or at an org's Fabric CA.

``create`` and ``list`` (without ``--ca-url``) work on the network home's generated users;
``register``, ``enroll``, ``reenroll``, ``revoke``, ``crl`` and ``list --ca-url`` talk to a
Fabric CA.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from sovereign_cli.common import (
    ExitCode,
    Settings,
    emit,
    errors_to_exit_codes,
    fail,
    open_network,
    progress_printer,
)
from sovereign_cli.render import json_command

if TYPE_CHECKING:
    from fabric_ca import Credentials, Enrollment, FabricCAClient

F = TypeVar("F", bound=Callable[..., Any])


@click.group()
def identity() -> None:
    """Issue, enroll, list and revoke the identities of each org's CA."""


def _parse_attrs(pairs: tuple[str, ...]) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            fail(f"attribute {pair!r} is not NAME=VALUE", ExitCode.USAGE)
        attrs[name] = value
    return attrs


# --- identities at an org's Fabric CA ---------------------------------------------------------
#
# These commands talk to a Fabric CA over its REST API (TLS verified against --ca-tls-root). The
# caller of an authenticated command is the identity in an MSP folder (--msp), as `sov identity
# enroll` or `fabric-ca-client enroll` writes it; the CA's answers refused map to exit code 7
# (6 for an identity that does not exist), no answer to 4.

_CA_HELP = {
    "url": "Reach the CA at this URL, https://HOST:PORT [env SOV_CA_URL].",
    "tls_root": "Trust this PEM root for the CA's TLS certificate [env SOV_CA_TLS_ROOT].",
    "name": "Name the CA on a server that hosts several [env SOV_CA_NAME].",
    "msp": "Sign as the identity in this MSP folder (signcerts/, keystore/) [env SOV_CA_MSP].",
}


@dataclass(frozen=True)
class CA:
    """The Fabric CA a command talks to, from its ``--ca-*`` options, and the caller's
    ``--msp`` folder; the client and the caller's credentials are built on first use."""

    url: str | None
    tls_root: Path | None
    name: str | None
    msp_dir: Path | None

    @property
    def client(self) -> FabricCAClient:
        """A client of the CA (a usage error for a bad URL)."""
        from fabric_ca import FabricCAClient

        if self.url is None:
            fail("give the CA's URL: --ca-url URL (or SOV_CA_URL)", ExitCode.USAGE)
        try:
            return FabricCAClient(self.url, tls_root=self.tls_root, ca_name=self.name)
        except ValueError as exc:
            fail(str(exc), ExitCode.USAGE)

    @property
    def caller(self) -> Credentials:
        """The credentials in ``--msp`` (a usage error when missing)."""
        from fabric_ca import read_credentials

        if self.msp_dir is None:
            fail("give the caller's MSP folder: --msp DIR (or SOV_CA_MSP)", ExitCode.USAGE)
        try:
            return read_credentials(self.msp_dir)
        except (FileNotFoundError, NotADirectoryError) as exc:
            hint = f"enroll first: sov identity enroll ID --msp {self.msp_dir}"
            fail(f"{exc}; {hint}", ExitCode.USAGE)


def ca_command(*, url_required: bool = True, msp: bool = True) -> Callable[[F], F]:
    """Add the ``--ca-url``, ``--ca-tls-root``, ``--ca-name`` (and ``--msp``) options, hand
    the command one ``ca`` (:class:`CA`) for them, and turn the CA's refusals into exit
    codes. Put it above :func:`~sovereign_cli.render.json_command`."""

    def decorate(command: F) -> F:
        @functools.wraps(command)
        def run(
            *args: Any,
            ca_url: str | None,
            ca_tls_root: Path | None,
            ca_name: str | None,
            **params: Any,
        ) -> Any:
            # Without msp=True the command declares --msp itself (enroll writes there).
            msp_dir = params.pop("msp_dir") if msp else None
            ca = CA(ca_url, ca_tls_root, ca_name, msp_dir)
            with _ca_errors():
                return command(*args, ca=ca, **params)

        options = [
            click.option(
                "--ca-url", envvar="SOV_CA_URL", required=url_required, help=_CA_HELP["url"]
            ),
            click.option(
                "--ca-tls-root",
                envvar="SOV_CA_TLS_ROOT",
                type=click.Path(exists=True, dir_okay=False, path_type=Path),
                help=_CA_HELP["tls_root"],
            ),
            click.option("--ca-name", envvar="SOV_CA_NAME", help=_CA_HELP["name"]),
        ]
        if msp:
            options.append(
                click.option(
                    "--msp",
                    "msp_dir",
                    envvar="SOV_CA_MSP",
                    type=click.Path(file_okay=False, path_type=Path),
                    help=_CA_HELP["msp"],
                )
            )
        decorated: Any = run
        for option in reversed(options):
            decorated = option(decorated)
        return cast(F, decorated)

    return decorate


@contextmanager
def _ca_errors() -> Iterator[None]:
    """The Fabric CA client's errors as exit codes."""
    from fabric_ca import (
        CAConnectionError,
        CAResponseError,
        CAServerError,
        FabricCAError,
        NotFoundError,
    )

    try:
        yield
    except NotFoundError as exc:
        fail(str(exc), ExitCode.NOT_FOUND)
    except CAServerError as exc:
        fail(str(exc), ExitCode.REFUSED)
    except (CAConnectionError, CAResponseError) as exc:
        fail(str(exc), ExitCode.NETWORK)
    except FabricCAError as exc:
        fail(str(exc), ExitCode.FAILURE)


def _certificate_summary(certificate: bytes) -> dict[str, Any]:
    from cryptography import x509

    from fabric_ca import certificate_attributes, serial_and_aki

    cert = x509.load_pem_x509_certificate(certificate)
    serial, aki = serial_and_aki(cert)
    return {
        "subject": cert.subject.rfc4514_string(),
        "serial": serial,
        "aki": aki,
        "not_after": cert.not_valid_after_utc.isoformat(),
        "attributes": certificate_attributes(cert),
    }


def _enrolled(settings: Settings, what: str, enrollment: Enrollment, msp_dir: Path) -> None:
    from fabric_ca import write_msp

    paths = write_msp(msp_dir, enrollment)
    payload = {"msp": str(msp_dir), "certificate": str(paths.certificate)}
    payload.update(_certificate_summary(enrollment.certificate))
    emit(
        settings,
        payload,
        lambda: click.echo(f"{what} {payload['subject']}: {paths.certificate}"),
    )


@identity.command()
@click.argument("org")
@click.argument("name")
@click.option(
    "--role",
    help="Give the user this role attribute (issuer, registrar, primary_dealer, bank ...).",
)
@click.option(
    "--attr", "attrs", multiple=True, help="Add another attribute, NAME=VALUE (repeatable)."
)
@json_command
def create(
    settings: Settings,
    org: str,
    name: str,
    role: str | None,
    attrs: tuple[str, ...],
) -> None:
    """Issue a certificate for user NAME of ORG (name or MSP ID)."""
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


@identity.command(name="replace-key")
@click.argument("org")
@click.argument("name")
@json_command
def replace_key(settings: Settings, org: str, name: str) -> None:
    """A lost or leaked key: revoke NAME's certificate, put ORG's CRL into the channel, enroll
    NAME again with a new key (same enrollment ID, so the register's accounts stay NAME's)."""
    from sovereign_cli.channel_commands import crl_update_payload, echo_crl_update

    with errors_to_exit_codes():
        net = open_network(settings)
        paths, update = net.replace_lost_key(org, name, progress=progress_printer(settings))
    payload = {
        "name": name,
        "certificate": str(paths.cert),
        "private_key": str(paths.key),
        "channel_update": crl_update_payload(update),
    }

    def human() -> None:
        echo_crl_update(update)
        click.echo(f"{name} enrolled again with a new key: {paths.cert}")

    emit(settings, payload, human)


@identity.command(name="list")
@ca_command(url_required=False)
@json_command
def list_(settings: Settings, ca: CA) -> None:
    """List every org's client users and their attributes; with --ca-url, the CA's identities."""
    if ca.url is not None:
        _list_at_ca(settings, ca)
        return
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


@identity.command()
@click.argument("enrollment_id")
@ca_command(msp=False)
@click.option(
    "--secret",
    envvar="SOV_CA_SECRET",
    prompt=True,
    hide_input=True,
    help="Use this enrollment secret [env SOV_CA_SECRET; asked for if not given].",
)
@click.option(
    "--msp",
    "msp_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Write signcerts/, keystore/ (the new key) and cacerts/ into this MSP folder.",
)
@click.option(
    "--attr-req", "attr_reqs", multiple=True, help="Ask for this attribute only (repeatable)."
)
@click.option(
    "--host", "hosts", multiple=True, help="Add this subject alternative name (repeatable)."
)
@click.option("--profile", help="Sign with this CA profile (tls for a TLS certificate).")
@json_command
def enroll(
    settings: Settings,
    enrollment_id: str,
    ca: CA,
    secret: str,
    msp_dir: Path,
    attr_reqs: tuple[str, ...],
    hosts: tuple[str, ...],
    profile: str | None,
) -> None:
    """Enroll ENROLLMENT_ID at the CA: a new key, its certificate, into the --msp folder."""
    from fabric_ca import AttributeRequest

    enrollment = ca.client.enroll(
        enrollment_id,
        secret,
        hosts=hosts,
        attributes=[AttributeRequest(a) for a in attr_reqs] if attr_reqs else None,
        profile=profile,
    )
    _enrolled(settings, "enrolled", enrollment, msp_dir)


@identity.command()
@ca_command()
@click.option("--keep-key", is_flag=True, help="Certify the current key instead of a new one.")
@json_command
def reenroll(settings: Settings, ca: CA, keep_key: bool) -> None:
    """Renew the certificate in the --msp folder (a new key unless --keep-key); rewrite it."""
    from fabric_ca import KeySigner

    caller = ca.caller
    assert ca.msp_dir is not None  # the caller was read from it
    key = caller.signer if keep_key and isinstance(caller.signer, KeySigner) else None
    enrollment = ca.client.reenroll(caller, key=key)
    _enrolled(settings, "reenrolled", enrollment, ca.msp_dir)


@identity.command()
@click.argument("enrollment_id")
@ca_command()
@click.option("--secret", help="Use this enrollment secret (the CA makes one up if not given).")
@click.option(
    "--type",
    "identity_type",
    default="client",
    show_default=True,
    help="Register this identity type: peer, orderer, admin, client ...",
)
@click.option(
    "--affiliation",
    default="",
    help="Place the identity in this affiliation, e.g. org1.department1 (default: the root).",
)
@click.option("--role", help="Give this role attribute, put into certificates (role=ROLE:ecert).")
@click.option(
    "--attr",
    "attrs",
    multiple=True,
    help="Add an attribute NAME=VALUE, or NAME=VALUE:ecert to put it into certificates "
    "(repeatable).",
)
@click.option("--max-enrollments", type=int, help="Let it enroll this many times (-1: unlimited).")
@json_command
def register(
    settings: Settings,
    enrollment_id: str,
    ca: CA,
    secret: str | None,
    identity_type: str,
    affiliation: str,
    role: str | None,
    attrs: tuple[str, ...],
    max_enrollments: int | None,
) -> None:
    """Register ENROLLMENT_ID at the CA as the registrar in --msp; print its secret."""
    from fabric_ca import Attribute

    try:
        attributes = [Attribute.parse(a) for a in attrs]
    except ValueError as exc:
        fail(str(exc), ExitCode.USAGE)
    if role:
        attributes.append(Attribute("role", role, ecert=True))
    issued = ca.client.register(
        ca.caller,
        enrollment_id,
        secret=secret,
        identity_type=identity_type,
        affiliation=affiliation,
        attributes=attributes,
        max_enrollments=max_enrollments,
    )
    payload = {"id": enrollment_id, "secret": issued}
    emit(settings, payload, lambda: click.echo(f"registered {enrollment_id}; secret: {issued}"))


@identity.command()
@click.argument("enrollment_id", required=False)
@ca_command()
@click.option(
    "--certificate",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Revoke this certificate (PEM) only.",
)
@click.option("--serial", help="Revoke the certificate with this serial (hex), given with --aki.")
@click.option(
    "--aki", help="Name the revoked certificate's authority key identifier (hex), with --serial."
)
@click.option(
    "--reason",
    default="unspecified",
    show_default=True,
    help="Give this reason (RFC 5280): keycompromise, affiliationchanged, superseded, "
    "cessationofoperation, privilegewithdrawn ...",
)
@click.option("--gencrl", is_flag=True, help="Have the CA make its new CRL too.")
@click.option(
    "--crl-out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write that CRL (PEM) to this file.",
)
@click.option(
    "--update-channel",
    "channel_org",
    metavar="ORG",
    help="Then put the CA's new CRL into ORG's MSP in the channel of the network in --home "
    "(as `sov channel update-crl ORG --crl`), so every peer refuses the revoked certificates.",
)
@json_command
def revoke(
    settings: Settings,
    enrollment_id: str | None,
    ca: CA,
    certificate: Path | None,
    serial: str | None,
    aki: str | None,
    reason: str,
    gencrl: bool,
    crl_out: Path | None,
    channel_org: str | None,
) -> None:
    """Revoke ENROLLMENT_ID (every certificate; it can no longer enroll), or one certificate."""
    from fabric_ca import RevocationReason, serial_and_aki

    if certificate is not None:
        serial, aki = serial_and_aki(certificate.read_bytes())
    if enrollment_id is None and serial is None:
        fail("name an ENROLLMENT_ID, a --certificate, or a --serial and --aki", ExitCode.USAGE)
    try:
        why = RevocationReason(reason.lower())
    except ValueError:
        choices = ", ".join(r.value for r in RevocationReason)
        fail(f"unknown reason {reason!r}; one of: {choices}", ExitCode.USAGE)
    client, caller = ca.client, ca.caller
    try:
        result = client.revoke(
            caller,
            enrollment_id=enrollment_id,
            serial=serial,
            aki=aki,
            reason=why,
            gencrl=gencrl or crl_out is not None or channel_org is not None,
        )
    except ValueError as exc:
        fail(str(exc), ExitCode.USAGE)
    if crl_out is not None and result.crl is not None:
        crl_out.write_bytes(result.crl)
    payload: dict[str, Any] = {
        "revoked": [{"serial": r.serial, "aki": r.aki} for r in result.revoked],
        "reason": why.value,
    }
    if crl_out is not None:
        payload["crl"] = str(crl_out)
    update = None
    if channel_org is not None and result.crl is not None:
        from sovereign_cli.channel_commands import crl_update_payload

        with errors_to_exit_codes():
            net = open_network(settings)
            update = net.update_crl(channel_org, result.crl, progress=progress_printer(settings))
        payload["channel_update"] = crl_update_payload(update)

    def human() -> None:
        for r in result.revoked:
            click.echo(f"revoked serial {r.serial} (aki {r.aki}): {why.value}")
        if crl_out is not None:
            click.echo(f"CRL: {crl_out}")
        if update is not None:
            from sovereign_cli.channel_commands import echo_crl_update

            echo_crl_update(update)

    emit(settings, payload, human)


@identity.command()
@ca_command()
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the CRL (PEM) here instead of printing it.",
)
@json_command
def crl(settings: Settings, ca: CA, out: Path | None) -> None:
    """Fetch the CA's certificate revocation list (the caller needs hf.GenCRL)."""
    from cryptography import x509

    pem = ca.client.generate_crl(ca.caller)
    if out is not None:
        out.write_bytes(pem)
    parsed = x509.load_pem_x509_crl(pem)
    payload: dict[str, Any] = {
        "revoked": [format(r.serial_number, "x") for r in parsed],
        "next_update": parsed.next_update_utc.isoformat() if parsed.next_update_utc else None,
    }
    if out is not None:
        payload["crl"] = str(out)
    else:
        payload["pem"] = pem.decode("ascii")

    def human() -> None:
        if out is None:
            click.echo(pem.decode("ascii"), nl=False)
        else:
            click.echo(f"CRL with {len(payload['revoked'])} revoked certificate(s): {out}")

    emit(settings, payload, human)


def _list_at_ca(settings: Settings, ca: CA) -> None:
    identities = ca.client.identities(ca.caller)
    rows = [i.to_json() for i in identities]

    def human() -> None:
        for row in rows:
            shown = ", ".join(
                f"{a['name']}={a['value']}{':ecert' if a['ecert'] else ''}"
                for a in sorted(row["attrs"], key=lambda a: str(a["name"]))
                if not str(a["name"]).startswith("hf.")
            )
            where = row["affiliation"] or "-"
            click.echo(f"{row['id']:<24}{row['type']:<10}{where:<20}{shown}")

    emit(settings, rows, human)
