"""Identities: each org's Fabric CA server, the enrollment of its nodes and users, and
client users created later.

An org with ``identities = "fabric-ca"`` in the topology takes every certificate from its
own Fabric CA; the others have theirs generated locally (:mod:`sovereign_network.crypto`).
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor

from fabric_ca import Credentials, FabricCAClient, FabricCAError
from sovereign_network import crypto, org_ca
from sovereign_network.base import NetworkBase
from sovereign_network.commands import NetworkError, Progress
from sovereign_network.environments import base_env
from sovereign_network.supervisor import ProcessSpec
from sovereign_network.topology import OrdererOrg, Org, ca_process


class Identities(NetworkBase):
    """Certificate authorities and users."""

    def _start_authorities(self, progress: Progress, *, wait: bool = True) -> None:
        """Start the Fabric CA server of every org that has one (already running: kept)."""
        authorities = self.topology.ca_orgs()
        for org in authorities:
            progress(f"starting {org.name}'s Fabric CA on {org_ca.ca_url(org)}")
            self.supervisor.start(self._authority_spec(org))
        if wait:
            for org in authorities:
                self._wait_authority(org)

    def _authority_spec(self, org: Org | OrdererOrg) -> ProcessSpec:
        return org_ca.server_spec(self.fabric_ca, self.layout, org, base_env())

    def _wait_authority(self, org: Org | OrdererOrg) -> None:
        assert org.ca_port is not None
        self._wait_tls(
            ca_process(org.key),
            org.ca_port,
            self.layout.tls_ca_cert(org.key),
            org_ca.server_name(org),
        )

    def _enroll_identities(
        self, pool: ThreadPoolExecutor, progress: Progress
    ) -> tuple[dict[str, Future[None]], list[Future[None]]]:
        """Enroll every CA org's identities in ``pool``, the orgs side by side.

        Returns, per org key, when its nodes and admin are enrolled (its nodes cannot start
        before), and each org's whole work, users included.
        """
        authorities = self.topology.ca_orgs()
        progress(f"enrolling the identities of {', '.join(o.name for o in authorities)}")
        nodes_done: dict[str, Future[None]] = {org.key: Future() for org in authorities}

        def enroll(org: Org | OrdererOrg) -> None:
            try:
                registrar = org_ca.enroll_bootstrap(self.layout, org)
                wanted = org_ca.identities(self.layout, org, users=False)
                org_ca.issue(self.layout, org, wanted, registrar)
            except BaseException as exc:
                nodes_done[org.key].set_exception(exc)
                raise
            nodes_done[org.key].set_result(None)
            org_ca.issue(
                self.layout, org, org_ca.identities(self.layout, org, nodes=False), registrar
            )

        return nodes_done, [pool.submit(enroll, org) for org in authorities]

    def ca_client(self, org: Org | OrdererOrg) -> FabricCAClient:
        """A client of the org's Fabric CA (TLS verified against the org's TLS root)."""
        if not org.uses_fabric_ca:
            raise NetworkError(f"{org.name}'s identities are generated locally: it has no CA")
        return org_ca.client(self.layout, org)

    def ca_registrar(self, org: Org | OrdererOrg) -> Credentials:
        """The CA's bootstrap admin, as enrolled when the network was set up."""
        try:
            return org_ca.registrar(self.layout, org)
        except FileNotFoundError as exc:
            raise NetworkError(
                f"{org.name}'s CA registrar is not enrolled in {self.home}; "
                "run `sov network up` first"
            ) from exc

    def users(self, org: Org) -> dict[str, dict[str, str]]:
        """Client users of ``org``: the topology's and those created since, with attributes."""
        created = self.load_state().get("users", {}).get(org.key, {})
        return {**{u.name: dict(u.attrs) for u in org.users}, **created}

    def create_user(self, org: Org, name: str, attrs: Mapping[str, str]) -> crypto.NodePaths:
        """Issue a client certificate from the org's CA, with role attributes.

        An org with a Fabric CA registers the user there and enrolls it (the CA must
        run); otherwise the tooling issues it from the CA key in the network's home.
        """
        if not self.layout.ca_cert(org.key).is_file():
            raise NetworkError(f"no crypto material in {self.home}; run `sov network up` first")
        if name == "admin" or name in self.users(org):
            raise NetworkError(f"{org.name} already has a user named {name!r}")
        if org.uses_fabric_ca:
            identity = org_ca.user_identity(self.layout, org, name, attrs)
            try:
                org_ca.issue(self.layout, org, [identity], self.ca_registrar(org))
            except FabricCAError as exc:
                raise NetworkError(f"{org.name}'s CA did not issue {name!r}: {exc}") from exc
            paths = crypto.issue_user_tls(self.layout, org, name)
        else:
            paths = crypto.issue_user(self.layout, org, name, dict(attrs))
        state = self.load_state()
        users = state.get("users", {})
        users.setdefault(org.key, {})[name] = dict(attrs)
        self._save_state(users=users)
        return paths


def wait_enrolled(futures: list[Future[None]]) -> None:
    """Wait for enrollment work; a Fabric CA's refusal becomes a NetworkError."""
    for future in futures:
        try:
            future.result()
        except FabricCAError as exc:
            raise NetworkError(f"enrolling at a Fabric CA failed: {exc}") from exc
