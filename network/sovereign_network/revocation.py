"""Revocation: certificates revoked at an org's Fabric CA and its CRL put into the
channel configuration, and a lost key replaced under the same enrollment ID.

Channel configuration updates are computed with the release's ``configtxlator`` from the
latest configuration block and sent with ``peer channel update``.
"""

from __future__ import annotations

import json
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509

from fabric_ca import FabricCAError, RevocationReason, serial_and_aki
from ledger_codec import loads_unique
from sovereign_network import channel_config, crypto, org_ca
from sovereign_network.authorities import Identities
from sovereign_network.channel_join import ChannelMembership
from sovereign_network.commands import CommandResult, NetworkError, Progress, quiet, run_command
from sovereign_network.environments import admin_env, base_env
from sovereign_network.topology import OrdererOrg, Org


@dataclass(frozen=True)
class CrlUpdate:
    """An org's CRL put into the channel configuration."""

    msp_id: str
    block: int | None
    """The configuration block that carries it; None when the channel already held it."""
    revoked: tuple[str, ...]
    """Serial numbers (hex) the CRL lists."""


class Revocation(Identities, ChannelMembership):
    """Revoking identities and certificates network-wide."""

    def channel_revocation_list(self, org_name: str) -> list[bytes]:
        """The CRLs (PEM) the org's MSP holds in the channel's latest configuration."""
        org = self._any_org(org_name)
        with tempfile.TemporaryDirectory(dir=self._work_dir()) as work:
            config = channel_config.block_config(self._fetch_config(org, Path(work)))
        return channel_config.revocation_list(config, _section(org), org.msp_id)

    def update_crl(
        self, org_name: str, crl: bytes | None = None, *, progress: Progress = quiet
    ) -> CrlUpdate:
        """Put the org's CRL into its MSP in the channel configuration; every peer then
        refuses the certificates it lists.

        ``crl`` is PEM; None takes the org's Fabric CA's current CRL (made by its
        registrar). The update is computed with the release's ``configtxlator`` from the
        latest configuration block, signed by the org's admin (the MSP value's modification
        policy is the org's ``Admins``) and sent with ``peer channel update``; this returns
        once every peer has committed the configuration block. The same CRL already in the
        channel changes nothing (``block`` is None).
        """
        org = self._any_org(org_name)
        if crl is None:
            try:
                crl = self.ca_client(org).generate_crl(self.ca_registrar(org))
            except FabricCAError as exc:
                raise NetworkError(f"{org.name}'s CA made no CRL: {exc}") from exc
        revoked = tuple(format(entry.serial_number, "x") for entry in x509.load_pem_x509_crl(crl))
        channel = self.topology.channel
        with tempfile.TemporaryDirectory(dir=self._work_dir()) as folder:
            work = Path(folder)
            progress(f"fetching the configuration of channel {channel}")
            config = channel_config.block_config(self._fetch_config(org, work))
            section = _section(org)
            if _same_revocations(channel_config.revocation_list(config, section, org.msp_id), crl):
                return CrlUpdate(org.msp_id, None, revoked)
            updated = channel_config.with_revocation_list(config, section, org.msp_id, [crl])
            original = self._encode(config, "common.Config", work / "config.pb")
            modified = self._encode(updated, "common.Config", work / "updated.pb")
            update = work / "update.pb"
            self._configtxlator(
                "compute_update",
                "--channel_id",
                channel,
                "--original",
                str(original),
                "--updated",
                str(modified),
                "--output",
                str(update),
            )
            envelope = self._encode(
                channel_config.update_envelope(
                    channel, self._decode(update, "common.ConfigUpdate")
                ),
                "common.Envelope",
                work / "envelope.pb",
            )
            progress(f"updating {org.msp_id}'s revocation list in channel {channel}")
            run_command(
                [
                    str(self.fabric.tool("peer")),
                    "channel",
                    "update",
                    "-f",
                    str(envelope),
                    "-c",
                    channel,
                    *self._orderer_args(),
                ],
                admin_env(self._site, org),
                f"peer channel update ({org.name}'s revocation list)",
            )
            block = channel_config.block_number(self._fetch_config(org, work))
        progress(f"waiting for every peer to commit configuration block {block}")
        self._wait_for_height(block + 1)
        return CrlUpdate(org.msp_id, block, revoked)

    def revoke(
        self,
        org_name: str,
        *,
        enrollment_id: str | None = None,
        certificate: bytes | None = None,
        reason: RevocationReason | str = RevocationReason.UNSPECIFIED,
        progress: Progress = quiet,
    ) -> CrlUpdate:
        """Revoke at the org's CA an identity (every certificate of it; it can no longer
        enroll) or one ``certificate`` (PEM), then put the CA's new CRL into the channel
        (:meth:`update_crl`)."""
        org = self._any_org(org_name)
        serial: str | None = None
        aki: str | None = None
        if certificate is not None:
            serial, aki = serial_and_aki(certificate)
        elif enrollment_id is None:
            raise NetworkError("name an enrollment ID or a certificate to revoke")
        try:
            result = self.ca_client(org).revoke(
                self.ca_registrar(org),
                enrollment_id=None if certificate is not None else enrollment_id,
                serial=serial,
                aki=aki,
                reason=reason,
                gencrl=True,
            )
        except FabricCAError as exc:
            raise NetworkError(f"{org.name}'s CA did not revoke: {exc}") from exc
        return self.update_crl(org_name, result.crl, progress=progress)

    def replace_lost_key(
        self, org_name: str, name: str, *, progress: Progress = quiet
    ) -> tuple[crypto.NodePaths, CrlUpdate]:
        """A user whose key was lost or leaked gets a new key under the same enrollment ID.

        Its current certificate is revoked at the org's CA (key compromise) and the CRL put
        into the channel (:meth:`revoke`), so every peer refuses the old key from then on;
        then the CA gives the identity a new one-time secret and it is enrolled again with a
        new key, written over the old one in the network's home. The register names an
        account's controller by MSP ID and enrollment ID, so the user keeps its accounts.
        Returns the user's paths and the channel update.
        """
        org = self.topology.org(org_name)
        if not org.uses_fabric_ca:
            raise NetworkError(f"{org.name}'s identities are generated locally: it has no CA")
        if name not in self.users(org):
            raise NetworkError(f"{org.name} has no user named {name!r}")
        paths = self.layout.user(org.key, name)
        update = self.revoke(
            org_name,
            certificate=paths.cert.read_bytes(),
            reason=RevocationReason.KEY_COMPROMISE,
            progress=progress,
        )
        ca, registrar = self.ca_client(org), self.ca_registrar(org)
        secret = secrets.token_urlsafe(18)
        try:
            ca.modify_identity(registrar, name, secret=secret)
            enrollment = ca.enroll(name, secret)
        except FabricCAError as exc:
            raise NetworkError(f"{org.name}'s CA did not enroll {name!r} again: {exc}") from exc
        org_ca.write_enrollment(paths, enrollment, self.layout.tls_ca_cert(org.key).read_bytes())
        return paths, update

    def _any_org(self, org_name: str) -> Org | OrdererOrg:
        """An application org or the orderer org, by name or MSP ID."""
        oo = self.topology.orderer_org
        if org_name.lower() in (oo.key, oo.msp_id.lower()):
            return oo
        try:
            return self.topology.org(org_name)
        except ValueError as exc:
            raise NetworkError(str(exc)) from exc

    def _work_dir(self) -> Path:
        work = self.config_dir / "updates"
        work.mkdir(parents=True, exist_ok=True)
        return work

    def _fetch_config(self, org: Org | OrdererOrg, work: Path) -> dict[str, Any]:
        """The channel's latest configuration block from the orderers, decoded."""
        block = work / "config.block"
        run_command(
            [
                str(self.fabric.tool("peer")),
                "channel",
                "fetch",
                "config",
                str(block),
                "-c",
                self.topology.channel,
                *self._orderer_args(),
            ],
            admin_env(self._site, org),
            f"peer channel fetch config ({org.name})",
        )
        return self._decode(block, "common.Block")

    def _configtxlator(self, *args: str) -> CommandResult:
        return run_command(
            [str(self.fabric.tool("configtxlator")), *args],
            base_env(),
            f"configtxlator {args[0]}",
        )

    def _decode(self, path: Path, message: str) -> dict[str, Any]:
        out = self._configtxlator("proto_decode", "--input", str(path), "--type", message)
        decoded: dict[str, Any] = loads_unique(out.stdout)
        return decoded

    def _encode(self, document: dict[str, Any], message: str, path: Path) -> Path:
        source = path.with_suffix(".json")
        source.write_text(json.dumps(document))
        self._configtxlator(
            "proto_encode", "--input", str(source), "--type", message, "--output", str(path)
        )
        return path


def _same_revocations(listed: list[bytes], crl: bytes) -> bool:
    """Whether the channel's one CRL revokes what ``crl`` revokes, by the same issuer.

    A CA signs a new CRL at every request (a new this-update time), so equal bytes are
    not to be expected of two CRLs that say the same.
    """
    if len(listed) != 1:
        return False
    old, new = x509.load_pem_x509_crl(listed[0]), x509.load_pem_x509_crl(crl)
    return old.issuer == new.issuer and {r.serial_number for r in old} == {
        r.serial_number for r in new
    }


def _section(org: Org | OrdererOrg) -> str:
    """Where the org's MSP sits in the channel configuration."""
    return "Orderer" if isinstance(org, OrdererOrg) else "Application"
