"""Chaincode lifecycle: packages installed, approved by each org and committed; the
chaincode-as-a-service servers that run them.

A redeploy is a new sequence of the same definition. Each chaincode takes a server slot
(one port per org, :data:`~sovereign_network.topology.CHAINCODE_SLOTS` of them); the
servers are recorded in the state file so that ``up`` and ``start_process`` restart them.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from sovereign_network import collections, fabric_output
from sovereign_network.base import READY_TIMEOUT
from sovereign_network.channel_join import ChannelMembership
from sovereign_network.commands import NetworkError, Progress, quiet
from sovereign_network.environments import write_org_roles
from sovereign_network.lifecycle import ChaincodePackage, build_package
from sovereign_network.process_specs import chaincode_process, chaincode_server_spec
from sovereign_network.supervisor import tls_handshake
from sovereign_network.topology import CHAINCODE_SLOTS, HOST, Org, Topology


class ChaincodeLifecycle(ChannelMembership):
    """Deploying chaincode and running its servers."""

    def _install_builder(self) -> None:
        target = self.home / "builders" / "ccaas" / "bin"
        target.mkdir(parents=True, exist_ok=True)
        source = resources.files("sovereign_network") / "data" / "ccaas_builder"
        for step in ("detect", "build", "release"):
            path = target / step
            path.write_bytes((source / step).read_bytes())
            path.chmod(0o755)

    def deploy_chaincode(
        self,
        *,
        name: str | None = None,
        module: str | None = None,
        version: str = "1.0",
        collections_config: Path | None = None,
        signature_policy: str | None = None,
        server: Sequence[str] | None = None,
        progress: Progress = quiet,
    ) -> dict[str, Any]:
        """Install, approve and commit a chaincode-as-a-service; a redeploy is a new sequence.

        Each org's chaincode server runs ``python -m fabric_chaincode serve --chaincode
        MODULE`` unless ``server`` gives another program's argv (a chaincode on another
        shim, such as Go's), which gets the usual CCaaS environment (``CHAINCODE_ID``,
        ``CHAINCODE_SERVER_ADDRESS``, ``CHAINCODE_TLS_*``). Returns what was deployed;
        succeeds only when every org's Gateway peer discovers every peer with it.
        """
        if not self.is_up():
            raise NetworkError("the network is not up; run `sov network up` first")
        spec = self.topology.chaincode
        name = name or spec.name
        module = module or spec.module
        policy = signature_policy or _policy_argument(spec.endorsement_policy, self.topology)
        if collections_config is None and name == spec.name:
            # The register keeps investors' personal data in per-org collections.
            collections_config = collections.write_collections_config(
                self.topology, self.config_dir / f"collections-{name}.json"
            )
        deployed = self.load_state().get("chaincodes", {})
        sequence = int(deployed.get(name, {}).get("sequence", 0)) + 1
        label = f"{name}_{version}"
        packages: dict[str, ChaincodePackage] = {}
        slot = self._chaincode_slot(name)
        for org in self.topology.orgs:
            packages[org.key] = build_package(
                label=label,
                address=f"{HOST}:{org.chaincode_ports[slot]}",
                server=self.layout.chaincode_server(org.key),
                client=self.layout.chaincode_client(org.key),
                directory=self.home / "chaincode" / org.key,
            )
            progress(f"installing {label} on {org.name}'s peers")
            for p in org.peers:
                installed = self.peer_cli(
                    org, ["lifecycle", "chaincode", "queryinstalled", "--output", "json"], p
                )
                if packages[org.key].package_id not in fabric_output.installed_package_ids(
                    installed.stdout
                ):
                    self.peer_cli(
                        org, ["lifecycle", "chaincode", "install", str(packages[org.key].path)], p
                    )
            progress(f"starting {org.name}'s chaincode server")
            self._start_chaincode(
                org, module, packages[org.key].package_id, name, slot, server=server
            )
        common = [
            "--channelID",
            self.topology.channel,
            "--name",
            name,
            "--version",
            version,
            "--sequence",
            str(sequence),
        ]
        if policy:
            common += ["--signature-policy", policy]
        if collections_config:
            common += ["--collections-config", str(collections_config)]
        orderer = self._orderer_args()
        for org in self.topology.orgs:
            progress(f"approving {name} sequence {sequence} for {org.name}")
            self.peer_cli(
                org,
                [
                    "lifecycle",
                    "chaincode",
                    "approveformyorg",
                    *common,
                    "--package-id",
                    packages[org.key].package_id,
                    *orderer,
                ],
            )
        progress(f"committing {name} sequence {sequence}")
        peers: list[str] = []
        for org in self.topology.orgs:
            peers += [
                "--peerAddresses",
                org.gateway_peer.address,
                "--tlsRootCertFiles",
                str(self.layout.tls_ca_cert(org.key)),
            ]
        first = self.topology.orgs[0]
        self.peer_cli(first, ["lifecycle", "chaincode", "commit", *common, *orderer, *peers])
        self._wait_committed(name, sequence)
        progress(f"waiting for every org's peers to discover {name}")
        self.wait_for_discovery(chaincode=name)
        record = {
            "version": version,
            "sequence": sequence,
            "module": module,
            "package_ids": {k: v.package_id for k, v in packages.items()},
        }
        self._save_state(chaincodes={**deployed, name: record})
        return record

    def _wait_committed(self, name: str, sequence: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        for org in self.topology.orgs:
            for p in org.peers:
                while True:
                    try:
                        out = self.peer_cli(
                            org,
                            [
                                "lifecycle",
                                "chaincode",
                                "querycommitted",
                                "--channelID",
                                self.topology.channel,
                                "--name",
                                name,
                                "--output",
                                "json",
                            ],
                            p,
                        )
                        if fabric_output.committed_sequence(out.stdout) == sequence:
                            break
                    except NetworkError:
                        pass
                    if time.monotonic() > deadline:
                        raise NetworkError(f"{p.name} did not see {name} sequence {sequence}")
                    time.sleep(0.1)

    def _chaincode_slot(self, name: str) -> int:
        """The server slot (port per org) of chaincode ``name``; a new name takes a free one."""
        slots: dict[str, int] = self.load_state().get("chaincode_slots", {})
        if name in slots:
            return slots[name]
        free = sorted(set(range(CHAINCODE_SLOTS)) - set(slots.values()))
        if not free:
            raise NetworkError(
                f"every org already runs {CHAINCODE_SLOTS} chaincode servers "
                f"({', '.join(sorted(slots))}); redeploy one of them instead"
            )
        self._save_state(chaincode_slots={**slots, name: free[0]})
        return free[0]

    def _start_chaincode(
        self,
        org: Org,
        module: str,
        package_id: str,
        name: str,
        slot: int,
        *,
        server: Sequence[str] | None = None,
    ) -> None:
        process = chaincode_process(org, name)
        port = org.chaincode_ports[slot]
        self.supervisor.stop(process)
        write_org_roles(self._site, org)
        self.supervisor.start(
            chaincode_server_spec(
                self._site,
                org,
                chaincode=name,
                module=module,
                package_id=package_id,
                port=port,
                server=server,
            )
        )
        # Ready when it answers TLS as this org's chaincode server to the peers' client
        # certificate: another program on the port does not pass for it.
        client = self.layout.chaincode_client(org.key)
        self.supervisor.wait_until(
            process,
            lambda: tls_handshake(
                HOST,
                port,
                self.layout.tls_ca_cert(org.key),
                f"chaincode.{org.domain}",
                client=(client.tls_cert, client.tls_key),
            ),
            timeout=READY_TIMEOUT,
            what=f"its chaincode server on port {port}",
        )
        servers = self.load_state().get("chaincode_servers", {})
        servers[process] = {
            "org": org.key,
            "module": module,
            "package_id": package_id,
            "name": name,
            "slot": slot,
            "server": list(server) if server else None,
        }
        self._save_state(chaincode_servers=servers)

    def _restart_chaincode(self, progress: Progress) -> None:
        servers = self.load_state().get("chaincode_servers", {})
        for org in self.topology.orgs:
            for entry in servers.values():
                if entry["org"] == org.key:
                    progress(f"restarting {org.name}'s {entry['name']} chaincode server")
                    self._start_chaincode(
                        org,
                        entry["module"],
                        entry["package_id"],
                        entry["name"],
                        entry["slot"],
                        server=entry.get("server"),
                    )


def _policy_argument(policy: str, topology: Topology) -> str | None:
    """The topology's endorsement policy as ``--signature-policy`` (None: channel default)."""
    upper = policy.strip().upper()
    if upper == "MAJORITY":
        # The channel's /Channel/Application/Endorsement policy is MAJORITY Endorsement.
        return None
    if upper == "ANY":
        members = ", ".join(f"'{o.msp_id}.peer'" for o in topology.orgs)
        return f"OR({members})"
    return policy
