"""The read-only web application (Starlette, served by uvicorn).

Owns :func:`create_app` and :class:`Hub` (block notifications from the follower thread
to server-sent event streams). Every page is a complete HTML document that works
without JavaScript; ``static/live.js``, where scripts run, listens to ``/events`` and
swaps in the re-rendered page when a block commits. Pages read the projection only;
nothing here writes to the ledger or the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, MutableMapping
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from sqlalchemy.engine import Engine
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Receive, Scope, Send

from . import chart, formatting, views
from .access import LoginError, LoginVerifier, Member

HERE = Path(__file__).parent
SECURITY_HEADERS = {
    # Only our own files: no inline script, no third party, no framing.
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'; form-action 'self'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}
PING_SECONDS = 15


class Hub:
    """Fans block numbers out to every open event stream.

    :meth:`publish` may be called from any thread (the follower's); each subscriber
    gets the latest height, never a backlog.
    """

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._subscribers: set[asyncio.Queue[int]] = set()

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def publish(self, block_number: int) -> None:
        """Block ``block_number`` was applied (thread-safe)."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._deliver, block_number + 1)

    def _deliver(self, height: int) -> None:
        for queue in self._subscribers:
            with contextlib.suppress(asyncio.QueueEmpty):
                queue.get_nowait()  # keep only the newest height
            queue.put_nowait(height)

    async def subscribe(self) -> AsyncGenerator[int, None]:
        queue: asyncio.Queue[int] = asyncio.Queue(maxsize=1)
        self._subscribers.add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            self._subscribers.discard(queue)


class _SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.extend((k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items())
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def _instant(text: str | None) -> str:
    """``2026-11-29T10:15:03.123456+00:00`` -> ``2026-11-29 10:15:03 UTC``."""
    if not text:
        return "-"
    return datetime.fromisoformat(text).strftime("%Y-%m-%d %H:%M:%S UTC")


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env
    env.filters.update(
        pkr=formatting.pkr,
        amount=formatting.amount,
        price=formatting.price,
        percent=formatting.percent,
        duration=formatting.duration,
        instant=_instant,
    )
    env.globals["share"] = formatting.share
    return templates


def create_app(
    engine: Engine,
    *,
    verifier: LoginVerifier | None = None,
    hub: Hub | None = None,
    on_startup: Callable[[], None] | None = None,
    on_shutdown: Callable[[], None] | None = None,
    session_secret: bytes | None = None,
    health: Callable[[], dict[str, object]] | None = None,
) -> Starlette:
    """The explorer over the projection in ``engine``.

    ``verifier``: enables member sign-in (without it only the public view exists).
    ``hub``: where the follower announces blocks (live updates). ``on_startup`` /
    ``on_shutdown``: start and stop the follower with the server. ``health``: extra
    facts for ``/healthz`` (e.g. the follower's last error).
    """
    templates = _templates()
    hub = hub or Hub()
    secret = session_secret or secrets.token_bytes(32)

    def member_of(request: Request) -> Member | None:
        return Member.from_session(request.session.get("member"))

    def page(
        request: Request,
        name: str,
        data: dict[str, object] | None = None,
        *,
        status_code: int = 200,
    ) -> Response:
        with engine.connect() as conn:
            state = views.status(conn)
        context = dict(data or {})
        context.update(
            member=member_of(request),
            status=state,
            can_sign_in=verifier is not None,
            path=request.url.path,
        )
        return templates.TemplateResponse(request, name, context, status_code=status_code)

    def missing(request: Request, what: str) -> Response:
        return page(request, "missing.html", {"what": what}, status_code=404)

    async def overview(request: Request) -> Response:
        def load() -> dict[str, object]:
            with engine.connect() as conn:
                minted, burned = views.cash_supply(conn)
                return {
                    "instruments": views.instruments(conn),
                    "minted": minted,
                    "burned": burned,
                    "validation": views.validation_counts(conn),
                }

        return page(request, "overview.html", await asyncio.to_thread(load))

    async def instrument(request: Request) -> Response:
        instrument_id = request.path_params["instrument_id"]
        member = member_of(request)

        def load() -> dict[str, object] | None:
            with engine.connect() as conn:
                rows = views.instruments(conn, instrument_id)
                if not rows:
                    return None
                return {
                    "row": rows[0],
                    "holders": views.holders(conn, instrument_id, member) if member else None,
                }

        loaded = await asyncio.to_thread(load)
        if loaded is None:
            return missing(request, f"instrument {instrument_id}")
        return page(request, "instrument.html", loaded)

    async def auctions(request: Request) -> Response:
        def load() -> dict[str, object]:
            with engine.connect() as conn:
                return {"tenors": views.auctions(conn)}

        return page(request, "auctions.html", await asyncio.to_thread(load))

    async def settlement(request: Request) -> Response:
        member = member_of(request)

        def load() -> dict[str, object]:
            with engine.connect() as conn:
                return {
                    "summary": views.settlement_summary(conn),
                    "days": views.settlement_by_day(conn),
                    "trades": views.trades(conn, member) if member else None,
                    "cash": views.cash_balances(conn, member) if member else None,
                }

        return page(request, "settlement.html", await asyncio.to_thread(load))

    async def ledger(request: Request) -> Response:
        def load() -> dict[str, object]:
            with engine.connect() as conn:
                return {
                    "blocks": views.latest_blocks(conn),
                    "transactions": views.latest_transactions(conn),
                    "validation": views.validation_counts(conn),
                }

        return page(request, "ledger.html", await asyncio.to_thread(load))

    async def outstanding_svg(_request: Request) -> Response:
        def draw() -> str:
            with engine.connect() as conn:
                series = views.outstanding_series(conn)
            return chart.line_chart(
                "Outstanding face by instrument (PKR)",
                series,
                lambda v: formatting.amount(int(v.to_integral_value())),
                empty="No instrument issued yet",
            )

        return Response(await asyncio.to_thread(draw), media_type="image/svg+xml")

    async def yields_svg(_request: Request) -> Response:
        def draw() -> str:
            with engine.connect() as conn:
                series = views.yield_series(conn)
            return chart.line_chart(
                "Yields and rates (%)",
                series,
                lambda v: formatting.percent(Decimal(v)),
                empty="No auction result, PKRV quote or fixing recorded yet",
                from_zero=False,
            )

        return Response(await asyncio.to_thread(draw), media_type="image/svg+xml")

    async def events(request: Request) -> Response:
        async def stream() -> AsyncIterator[ServerSentEvent]:
            async for height in hub.subscribe():
                if await request.is_disconnected():
                    return
                yield ServerSentEvent(data=str(height), event="block")

        return EventSourceResponse(stream(), ping=PING_SECONDS)

    async def login_form(request: Request) -> Response:
        if verifier is None:
            return missing(request, "member sign-in on this explorer")
        return page(request, "login.html", {"challenge": verifier.challenge(), "error": None})

    async def login(request: Request) -> Response:
        if verifier is None:
            return missing(request, "member sign-in on this explorer")
        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        challenge = form.get("challenge", [""])[0]
        token = form.get("token", [""])[0]
        try:
            member = verifier.verify(challenge, token)
        except LoginError as refused:
            return page(
                request,
                "login.html",
                {"challenge": verifier.challenge(), "error": str(refused)},
                status_code=403,
            )
        request.session["member"] = member.as_session()
        return RedirectResponse("/", status_code=303)

    async def logout(request: Request) -> Response:
        request.session.pop("member", None)
        return RedirectResponse("/", status_code=303)

    async def healthz(_request: Request) -> Response:
        def load() -> dict[str, object]:
            with engine.connect() as conn:
                state = views.status(conn)
            return {"height": state.height, "transactions": state.transactions}

        facts = await asyncio.to_thread(load)
        if health is not None:
            facts.update(health())
        return JSONResponse(facts)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        hub.bind(asyncio.get_running_loop())
        if on_startup is not None:
            await asyncio.to_thread(on_startup)
        try:
            yield
        finally:
            if on_shutdown is not None:
                await asyncio.to_thread(on_shutdown)

    routes = [
        Route("/", overview),
        Route("/instruments/{instrument_id}", instrument),
        Route("/auctions", auctions),
        Route("/settlement", settlement),
        Route("/ledger", ledger),
        Route("/charts/outstanding.svg", outstanding_svg),
        Route("/charts/yields.svg", yields_svg),
        Route("/events", events),
        Route("/login", login_form, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/healthz", healthz),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    middleware = [
        Middleware(_SecurityHeaders),
        Middleware(
            SessionMiddleware,
            secret_key=secret.hex(),
            session_cookie="sov_explorer",
            same_site="strict",
            max_age=8 * 3600,
        ),
    ]
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)


Handler = Callable[[Request], Awaitable[Response]]
