"""Wiring: the projection, its follower and the web application, served by uvicorn.

Owns :func:`build` (everything for one channel, ready to serve or to test in-process)
and :func:`serve` (run uvicorn until interrupted). The caller owns the Gateway
connection (and its gRPC channel), as everywhere in the SDK.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import uvicorn
from sqlalchemy.engine import Engine
from starlette.applications import Starlette

from fabric_gateway import Network

from .access import LoginVerifier
from .app import Hub, create_app
from .follower import Follower, ledger_schedule
from .projection import Projection, open_engine


@dataclass
class Explorer:
    """One explorer: its database, projection, follower and web application."""

    engine: Engine
    projection: Projection
    follower: Follower
    app: Starlette


def build(
    network: Network,
    chaincode: str,
    database_url: str,
    *,
    msp_roots: Mapping[str, Sequence[bytes]] | None = None,
) -> Explorer:
    """An explorer over ``network`` (a Gateway channel) projecting ``chaincode``'s
    documents into ``database_url``. The follower starts and stops with the app.
    ``msp_roots`` (MSP ID -> CA certificates, PEM) enables member sign-in."""
    engine = open_engine(database_url)
    projection = Projection(engine, chaincode, ledger_schedule(network, chaincode))
    hub = Hub()
    follower = Follower(network, projection, hub.publish)

    def health() -> dict[str, object]:
        error = follower.error
        return {"following": error is None, "error": type(error).__name__ if error else None}

    app = create_app(
        engine,
        verifier=LoginVerifier(msp_roots) if msp_roots else None,
        hub=hub,
        on_startup=follower.start,
        on_shutdown=follower.stop,
        health=health,
    )
    return Explorer(engine, projection, follower, app)


def serve(explorer: Explorer, host: str, port: int) -> None:
    """Serve until interrupted (uvicorn handles SIGINT and SIGTERM)."""
    config = uvicorn.Config(
        explorer.app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=2
    )
    uvicorn.Server(config).run()
