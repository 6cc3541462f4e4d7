"""Per-process copies of what public pages read on every view and what changes rarely: a contest, its
rounds with their vote rules, the ideas a vote shows, an idea's page.

A copy is used only while serving a request (the web layer opens a ``request()`` around each one)
and only while the site's *generation* of public changes is the one it was read under. The
generation is shared by every worker (Redis when configured, see ``use_generation``) and moves on
with every change the public can see: ``accounts.events.public_changed`` (except a vote counted,
which changes none of this), and any successful change made through the site or the admin (the web
layer calls ``changed()`` before the answer leaves). Copies also expire after ``LIFETIME`` seconds,
for a change made outside the site (a database fix). Outside a request every read goes to the
database. The first read of a request fetches the generation (one round trip), later ones reuse it.
The signed-in person is kept the same way under a generation of its own (see ``person``).
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

log = logging.getLogger("sangtao")

LIFETIME = 30  # seconds
MAX_ENTRIES = 1000  # at most a few MB per worker: an idea's page is the largest copy

_kept: dict[tuple, tuple[int, float, Any]] = {}
_request: contextvars.ContextVar[dict | None] = contextvars.ContextVar("sangtao_memo_request", default=None)
_local_generation = 0


async def _memory_current() -> int:
    return _local_generation


async def _memory_bump() -> None:
    global _local_generation
    _local_generation += 1


_current: Callable[[], Awaitable[int]] = _memory_current
_bump: Callable[[], Awaitable[None]] = _memory_bump


def use_generation(current: Callable[[], Awaitable[int]], bump: Callable[[], Awaitable[None]]) -> None:
    """Share the generation between workers (the app factory passes Redis-backed callables)."""
    global _current, _bump
    _current, _bump = current, bump
    _kept.clear()


def use_memory_generation() -> None:
    use_generation(_memory_current, _memory_bump)


@contextlib.contextmanager
def request() -> Iterator[None]:
    """Copies may be used while this block runs (one request)."""
    token = _request.set({})
    try:
        yield
    finally:
        _request.reset(token)


def known_generation(generation: int, people: int | None = None) -> None:
    """The current generations, read by the web layer along with something else it fetched anyway
    (the session, in the same round trip): the request's first read then needs no round trip."""
    state = _request.get()
    if state is not None:
        state.setdefault("g", generation)
        if people is not None:
            state.setdefault("p", people)


async def read(key: tuple, loader: Callable[[], Awaitable[Any]]) -> Any:
    """``loader()``'s answer, from this process's copy when it is of the current generation. The
    answer is a copy (of its dicts and lists): callers may change it."""
    return await _read(_kept, "g", _current, MAX_ENTRIES, key, loader)


async def _read(
    kept_copies: dict[tuple, tuple[int, float, Any]],
    name: str,
    current: Callable[[], Awaitable[int]],
    limit: int,
    key: tuple,
    loader: Callable[[], Awaitable[Any]],
) -> Any:
    state = _request.get()
    if state is None:
        return await loader()
    generation = state.get(name)
    if generation is None:
        try:
            generation = state[name] = await current()
        except Exception:  # noqa: BLE001 — the shared generation is unreachable: read the database
            return await loader()
    kept = kept_copies.get(key)
    if kept is not None and kept[0] == generation and time.monotonic() - kept[1] < LIFETIME:
        return _copy(kept[2])
    value = await loader()
    if len(kept_copies) >= limit:  # the oldest copy makes room (idea pages are many, a contest's rounds few)
        kept_copies.pop(next(iter(kept_copies)))
    kept_copies[key] = (generation, time.monotonic(), _copy(value))
    return value


def _copy(value: Any) -> Any:
    if type(value) is dict:
        return {k: _copy(v) for k, v in value.items()}
    if type(value) is list:
        return [_copy(v) for v in value]
    return value


async def changed(reason: str = "") -> None:
    """Something the copies may hold has changed: drop this process's copies and move the shared
    generation on (other workers drop theirs at their next read)."""
    _kept.clear()
    state = _request.get()
    if state is not None:
        state.pop("g", None)
    await _bump()


async def on_public_change(reason: str) -> None:
    """Listener of ``accounts.events.public_changed`` (registered by the app factory): a vote counted changes nothing kept here."""
    if not reason.startswith("vote."):
        await changed(reason)


def forget() -> None:
    """Drop this process's copies (tests, whose databases are emptied between them)."""
    _kept.clear()
    _people_kept.clear()


# ---------------------------------------------------------------- who is signed in
# Every signed-in request needs the person with their roles (``accounts.services.load_principal``).
# A copy is kept per person while the *people generation* stays the same. That generation moves on
# with anything that may change a person: the domain functions that change one (roles, password,
# verification, deletion) call ``people_changed()``, and the web layer moves it on before the answer
# to any change made through the site or the admin leaves, but a vote (which changes no person).
# Copies expire after ``LIFETIME`` seconds like the others (a change made outside the site).

MAX_PEOPLE = 20_000  # a few MB per worker

_people_kept: dict[tuple, tuple[int, float, Any]] = {}
_local_people = 0


async def _memory_people_current() -> int:
    return _local_people


async def _memory_people_bump() -> None:
    global _local_people
    _local_people += 1


_people_current: Callable[[], Awaitable[int]] = _memory_people_current
_people_bump: Callable[[], Awaitable[None]] = _memory_people_bump


def use_people_generation(current: Callable[[], Awaitable[int]], bump: Callable[[], Awaitable[None]]) -> None:
    """Share the people generation between workers (the app factory passes Redis-backed callables)."""
    global _people_current, _people_bump
    _people_current, _people_bump = current, bump
    _people_kept.clear()


def use_memory_people_generation() -> None:
    use_people_generation(_memory_people_current, _memory_people_bump)


async def person(key: tuple, loader: Callable[[], Awaitable[Any]]) -> Any:
    """``loader()``'s answer about one person (an immutable value), from this process's copy when it
    is of the current people generation; outside a request (every change), from the database."""
    return await _read(_people_kept, "p", _people_current, MAX_PEOPLE, key, loader)


async def people_changed() -> None:
    """A person's account, roles or verification changed: drop this process's copies of people and
    move the shared people generation on (other workers drop theirs at their next read)."""
    _people_kept.clear()
    state = _request.get()
    if state is not None:
        state.pop("p", None)
    try:
        await _people_bump()
    except Exception:  # noqa: BLE001 — the change is committed; other workers' copies expire on their own
        log.warning("shared people generation unreachable", exc_info=True)
