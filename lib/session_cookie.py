"""The session cookie, HttpOnly, set by an HTTP route of the server rather than by the page.

A Streamlit page talks to the server over a websocket: it cannot answer with a Set-Cookie header,
and a cookie written by a script of the page can be read by any script of the page. When the app
is served by `asgi.py` (`streamlit run asgi.py`), the server has one more route, ROUTE: after a
login the page posts a one-time code to it (valid 60 s, never the token itself), and the answer
sets the cookie HttpOnly, SameSite=Lax, Secure under https (Lax, not Strict: a reload after
the identity provider's redirection counts as a cross-site navigation, and a Strict cookie would
not be sent). Started as `streamlit run app.py` (development, AppTest), there is no such route:
the page then writes the cookie itself, without HttpOnly (lib.ui.session).
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

COOKIE = "observatoire_session"
ROUTE = "/_observatoire/session"
VALIDITE_S = 60
_pending: dict[str, tuple[str, float]] = {}  # digest of a code → (cookie value, "" = delete; deadline)
_lock = threading.Lock()
_served = threading.Event()


def served() -> bool:
    """True when this process serves ROUTE (started by asgi.py)."""
    return _served.is_set()


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def hand_over(value: str) -> str:
    """A one-time code the page exchanges at ROUTE for the cookie `value` ("" clears the cookie)."""
    code, now = secrets.token_urlsafe(32), time.monotonic()
    with _lock:
        for key in [k for k, (_, deadline) in _pending.items() if deadline < now]:
            del _pending[key]
        _pending[_digest(code)] = (value, now + VALIDITE_S)
    return code


def _take(code: str) -> str | None:
    with _lock:
        value, deadline = _pending.pop(_digest(code), (None, 0.0))
    return value if deadline >= time.monotonic() else None


async def _exchange(request: Request) -> Response:
    value = _take((await request.body()).decode(errors="replace")[:100])
    if value is None:
        return Response("code inconnu ou expiré", status_code=403)
    https = request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"
    response = Response(status_code=204)
    if value:  # no max_age: the cookie ends with the browser; the server ends the session before
        response.set_cookie(COOKIE, value, path="/", secure=https, httponly=True, samesite="lax")
    else:
        response.delete_cookie(COOKIE, path="/", secure=https, httponly=True, samesite="lax")
    return response


def routes() -> list[Route]:
    """The server's route for the cookie (asgi.py); from then on the pages use it."""
    _served.set()
    return [Route(ROUTE, _exchange, methods=["POST"])]
