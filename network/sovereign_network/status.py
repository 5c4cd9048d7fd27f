"""Status: what a client needs to connect (addresses, TLS roots, identities) and what
runs, as ``sov network status`` prints it."""

from __future__ import annotations

from typing import Any

from sovereign_network import fabric_output, org_ca
from sovereign_network.authorities import Identities
from sovereign_network.commands import NetworkError
from sovereign_network.topology import HOST, OrdererOrg, Org, ca_process


class NetworkStatus(Identities):
    """Reporting the network."""

    def block_height(self) -> int | None:
        org = self.topology.orgs[0]
        try:
            out = self.peer_cli(
                org, ["channel", "getinfo", "-c", self.topology.channel], timeout=10
            )
        except NetworkError:
            return None
        # Only stdout: the CLI's log lines go to stderr and are not JSON.
        return fabric_output.blockchain_height(out.stdout)

    def status(self) -> dict[str, Any]:
        """What a client needs to connect, and what is running."""
        running = set(self.supervisor.running())
        state = self.load_state()
        servers: dict[str, dict[str, Any]] = state.get("chaincode_servers", {})
        orgs = []
        for org in self.topology.orgs:
            users = {
                name: {
                    "certificate": str(self.layout.user(org.key, name).cert),
                    "private_key": str(self.layout.user(org.key, name).key),
                    "attributes": attrs,
                }
                for name, attrs in self.users(org).items()
            }
            admin = self.layout.user(org.key, "admin")
            orgs.append(
                {
                    "name": org.name,
                    "msp_id": org.msp_id,
                    "gateway_peer": org.gateway_peer.address,
                    "gateway_peer_host": org.gateway_peer.host,
                    "tls_root_certificate": str(self.layout.tls_ca_cert(org.key)),
                    "ca": self._authority_status(org, running),
                    "admin": {"certificate": str(admin.cert), "private_key": str(admin.key)},
                    "users": users,
                    "peers": [
                        {"name": p.name, "address": p.address, "running": p.name in running}
                        for p in org.peers
                    ],
                    "chaincode_servers": [
                        {
                            "chaincode": entry["name"],
                            "address": f"{HOST}:{org.chaincode_ports[entry['slot']]}",
                            "running": process in running,
                        }
                        for process, entry in sorted(servers.items())
                        if entry["org"] == org.key
                    ],
                }
            )
        chaincodes = [
            {"name": n, "version": c["version"], "sequence": c["sequence"]}
            for n, c in sorted(state.get("chaincodes", {}).items())
        ]
        return {
            "home": str(self.home),
            "up": bool(running),
            "fabric_version": state.get("fabric_version"),
            "channel": self.topology.channel,
            "block_height": self.block_height() if running and self._fabric else None,
            "orderers": [
                {"name": o.name, "address": o.address, "running": o.name in running}
                for o in self.topology.orderer_org.orderers
            ],
            "orderer_tls_root_certificate": str(self._orderer_tls_ca()),
            "orderer_ca": self._authority_status(self.topology.orderer_org, running),
            "orgs": orgs,
            "chaincodes": chaincodes,
        }

    def _authority_status(self, org: Org | OrdererOrg, running: set[str]) -> dict[str, Any] | None:
        """Where the org's Fabric CA answers and who registers there (None: no CA)."""
        if not org.uses_fabric_ca:
            return None
        return {
            "url": org_ca.ca_url(org),
            "tls_root_certificate": str(self.layout.tls_ca_cert(org.key)),
            "server_name": org_ca.server_name(org),
            "registrar_msp": str(self.layout.ca_registrar(org.key).msp),
            "running": ca_process(org.key) in running,
        }
