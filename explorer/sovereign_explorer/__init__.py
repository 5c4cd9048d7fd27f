"""The transparency register: a read-only web view of the sovereign asset ledger.

``sov explorer serve`` follows the channel's blocks through the Gateway SDK, projects
them into SQL read models (SQLite by default, any SQLAlchemy database by URL) and serves
them with Starlette and uvicorn: instruments and their supply, auction results,
settlement, the latest blocks and transactions, charts, live updates by server-sent
events; the public sees aggregates, a signed-in member account-level rows.

Modules: :mod:`.schema` (tables), :mod:`.projection` (blocks -> rows, checkpoint),
:mod:`.follower` (block events), :mod:`.views` (read models), :mod:`.access` (who sees
what, sign-in), :mod:`.formatting`, :mod:`.chart`, :mod:`.app` (the web application),
:mod:`.server` (wiring and serving).
"""

from .access import LoginVerifier, Member, login_token
from .app import Hub, create_app
from .follower import Follower, ledger_schedule
from .projection import Flow, Projection, SqlCheckpointer, open_engine

__all__ = [
    "Flow",
    "Follower",
    "Hub",
    "LoginVerifier",
    "Member",
    "Projection",
    "SqlCheckpointer",
    "create_app",
    "ledger_schedule",
    "login_token",
    "open_engine",
]
