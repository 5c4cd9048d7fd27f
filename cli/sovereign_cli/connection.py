"""Who signs and how the CLI reaches the ledger: the one place that opens a Gateway.

``--as ORG/USER`` (or a user name unique across orgs) picks the identity from the
network's home; the CLI connects over TLS to that org's gateway peer and builds a
:class:`~sovereign_client.SovereignClient`. Tests replace the whole thing by setting
``Settings.client_factory``.

:func:`ledger_command` is what every command that talks to the ledger is written with: it
adds ``--json``, maps the library's errors to exit codes and hands the command a
:class:`Ledger` that connects on first use and closes after the command.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec

from sovereign_cli.common import ExitCode, Settings, errors_to_exit_codes, fail, open_network
from sovereign_cli.render import json_command

if TYPE_CHECKING:
    from fabric_gateway import Gateway
    from fabric_gateway import Network as GatewayNetwork
    from sovereign_client import CommitFence, SovereignClient
    from sovereign_network.network import Network
    from sovereign_network.topology import Org

DEFAULT_SIGNER = "admin"

P = ParamSpec("P")


def resolve_signer(net: Network, as_user: str | None) -> tuple[Org, str]:
    """The org and user named by ``--as`` (default: the first org's admin)."""
    if not as_user:
        return net.topology.orgs[0], DEFAULT_SIGNER
    org_name, sep, user = as_user.partition("/")
    if sep:
        from sovereign_network.topology import TopologyError

        try:
            org = net.topology.org(org_name)
        except TopologyError as exc:  # an unknown org is a name not found, like a user
            fail(str(exc), ExitCode.NOT_FOUND)
        if user != DEFAULT_SIGNER and user not in net.users(org):
            fail(f"{org.msp_id} has no user {user!r}", ExitCode.NOT_FOUND)
        return org, user
    # Every org has an admin, so a bare admin never names one.
    owners = [
        org for org in net.topology.orgs if as_user == DEFAULT_SIGNER or as_user in net.users(org)
    ]
    if len(owners) == 1:
        return owners[0], as_user
    if not owners:
        fail(f"no org has a user {as_user!r}; use ORG/USER", ExitCode.NOT_FOUND)
    names = ", ".join(o.name for o in owners)
    return fail(f"user {as_user!r} exists in {names}; use ORG/USER", ExitCode.USAGE)


@contextmanager
def gateway_client(settings: Settings, chaincode: str | None = None) -> Iterator[SovereignClient]:
    """A typed client signing as ``settings.as_user``; closes its gRPC channel after.

    ``chaincode``: another deployment of the sovereign chaincode on the same channel (a
    benchmark's earlier build); the network's own by default."""
    if settings.client_factory is not None:
        yield settings.client_factory(settings)
        return
    from sovereign_client import GatewayInvoker, SovereignClient

    with _gateway(settings) as (gateway, channel_name, chaincode_name, fence):
        contract = gateway.get_network(channel_name).get_contract(chaincode or chaincode_name)
        yield SovereignClient(GatewayInvoker(contract, fence=fence))


@dataclass(frozen=True)
class LedgerChannel:
    """The Gateway ``network`` (channel) the ledger lives on and its chaincode's name."""

    network: GatewayNetwork
    chaincode: str


@contextmanager
def gateway_network(settings: Settings) -> Iterator[LedgerChannel]:
    """The channel as the Gateway client sees it, signing as ``settings.as_user``: what
    event streams need (``sov events watch``). Closes the gRPC channel after."""
    with _gateway(settings) as (gateway, channel_name, chaincode_name, _):
        yield LedgerChannel(gateway.get_network(channel_name), chaincode_name)


@contextmanager
def _gateway(settings: Settings) -> Iterator[tuple[Gateway, str, str, CommitFence]]:
    """A Gateway connection to the ``--as`` user's org gateway peer over TLS, with the
    channel and chaincode names of the running network and a commit fence over every
    org's gateway peer (a submit returns once all of them hold its block, so the next
    command, whichever org it goes through, reads what this one wrote)."""
    import grpc

    from fabric_gateway import X509Identity, connect, load_private_key_pem, new_private_key_signer
    from sovereign_client import CommitFence

    net = open_network(settings, need_fabric=False)
    if not net.is_up():
        fail(f"the network in {settings.home} is not running", ExitCode.NOT_FOUND)
    org, user = resolve_signer(net, settings.as_user)
    paths = net.layout.user(org.key, user)
    identity = X509Identity(org.msp_id, paths.cert.read_bytes())
    signer = new_private_key_signer(load_private_key_pem(paths.key.read_bytes()))
    with ExitStack() as stack:
        gateways = {}
        for each in net.topology.orgs:
            peer = each.gateway_peer
            credentials = grpc.ssl_channel_credentials(
                root_certificates=net.layout.tls_ca_cert(each.key).read_bytes()
            )
            channel = grpc.secure_channel(
                peer.address, credentials, options=[("grpc.ssl_target_name_override", peer.host)]
            )
            stack.callback(channel.close)
            gateways[each.key] = connect(client=channel, identity=identity, signer=signer)
        channel_name = net.topology.channel
        fence = CommitFence([g.get_network(channel_name) for g in gateways.values()])
        yield gateways[org.key], channel_name, net.topology.chaincode.name, fence


@dataclass
class Ledger:
    """What a ledger command works with: the settings, and a client or channel opened on
    first use (so usage errors are found before any connection) and closed after."""

    settings: Settings
    _stack: ExitStack = field(repr=False)
    _client: SovereignClient | None = None
    _channel: LedgerChannel | None = None

    @property
    def client(self) -> SovereignClient:
        """The typed client signing as ``--as``."""
        if self._client is None:
            self._client = self._stack.enter_context(gateway_client(self.settings))
        return self._client

    @property
    def channel(self) -> LedgerChannel:
        """The channel as the Gateway client sees it (for event streams)."""
        if self._channel is None:
            self._channel = self._stack.enter_context(gateway_network(self.settings))
        return self._channel


def ledger_command(command: Callable[Concatenate[Ledger, P], None]) -> Callable[..., None]:
    """Make ``command(ledger, **params)`` a click callback: adds ``--json`` (also accepted
    after the verb), maps the library's errors to exit codes, and closes what the
    :class:`Ledger` opened. Put it under the command's own ``@click.argument``/
    ``@click.option`` decorators."""

    @json_command
    @functools.wraps(command)
    def run(settings: Settings, /, *args: Any, **params: Any) -> None:
        with errors_to_exit_codes(), ExitStack() as stack:
            command(Ledger(settings, stack), *args, **params)

    return run


ClientFactory = Callable[[Settings], "SovereignClient"]
