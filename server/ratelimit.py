"""Fixed-window rate limits for login, registration and other abuse-prone actions.

In one process the counters live in memory; with several workers set ``REDIS_URL`` so that
every worker counts in the same place.

Sign-in (the site's ``/login`` and the admin's) counts failures only, see ``LoginLimits``.
"""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Protocol


class RateLimiter(Protocol):
    async def hit(self, key: str, limit: int, window: int) -> int:
        """Count one attempt; return 0 when allowed, else seconds until the window ends."""
        ...

    async def hit_many(self, checks: list[tuple[str, int, int]]) -> int:
        """Count one attempt against each ``(key, limit, window)``; return the longest wait (0: allowed)."""
        ...

    async def reset(self, key: str) -> None: ...

    async def blocked(self, checks: list[tuple[str, int, int]]) -> int:
        """Without counting: the longest wait among keys that already reached their limit (0: allowed)."""
        ...

    async def add(self, checks: list[tuple[str, int, int]]) -> None:
        """Count one event (a failure) against each ``(key, limit, window)``."""


class MemoryRateLimiter:
    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.windows: dict[str, tuple[int, float]] = defaultdict(lambda: (0, 0.0))

    async def hit(self, key: str, limit: int, window: int) -> int:
        now = self.clock()
        count, started = self.windows[key]
        if now - started >= window:
            count, started = 0, now
        count += 1
        self.windows[key] = (count, started)
        if count > limit:
            return max(1, int(started + window - now))
        return 0

    async def hit_many(self, checks: list[tuple[str, int, int]]) -> int:
        return max([await self.hit(key, limit, window) for key, limit, window in checks], default=0)

    async def reset(self, key: str) -> None:
        self.windows.pop(key, None)

    async def blocked(self, checks: list[tuple[str, int, int]]) -> int:
        now, waits = self.clock(), [0]
        for key, limit, window in checks:
            count, started = self.windows.get(key, (0, 0.0))
            if now - started < window and count >= limit:
                waits.append(max(1, int(started + window - now)))
        return max(waits)

    async def add(self, checks: list[tuple[str, int, int]]) -> None:
        for key, limit, window in checks:
            await self.hit(key, limit, window)


class RedisRateLimiter:
    # Every counter of one check in one command (a script runs atomically): count the attempt, start
    # the window on the first one, and answer each counter's count and seconds left.
    HIT_SCRIPT = """
local out = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  local ttl = redis.call('TTL', key)
  if ttl < 0 then
    redis.call('EXPIRE', key, ARGV[i])
    ttl = tonumber(ARGV[i])
  end
  out[2 * i - 1] = count
  out[2 * i] = ttl
end
return out
"""

    def __init__(self, url: str, prefix: str = "sangtao:rl:"):
        from redis.asyncio import Redis

        self.redis = Redis.from_url(url)
        self.prefix = prefix
        self._hit = self.redis.register_script(self.HIT_SCRIPT)

    async def hit(self, key: str, limit: int, window: int) -> int:
        return await self.hit_many([(key, limit, window)])

    async def hit_many(self, checks: list[tuple[str, int, int]]) -> int:
        """All the counters in one command to Redis."""
        if not checks:
            return 0
        replies = await self._hit(keys=[self.prefix + key for key, _, _ in checks], args=[w for _, _, w in checks])
        counts = [int(r) for r in replies]  # count, seconds left; count, seconds left; …
        waits = [max(1, counts[2 * n + 1]) if counts[2 * n] > limit else 0 for n, (_, limit, _) in enumerate(checks)]
        return max(waits, default=0)

    async def reset(self, key: str) -> None:
        await self.redis.delete(self.prefix + key)

    async def blocked(self, checks: list[tuple[str, int, int]]) -> int:
        if not checks:
            return 0
        async with self.redis.pipeline(transaction=False) as pipe:
            for key, _, _ in checks:
                pipe.get(self.prefix + key)
                pipe.ttl(self.prefix + key)
            replies = await pipe.execute()
        waits = [
            max(1, int(replies[2 * n + 1])) if int(replies[2 * n] or 0) >= limit else 0
            for n, (_, limit, _) in enumerate(checks)
        ]
        return max(waits, default=0)

    async def add(self, checks: list[tuple[str, int, int]]) -> None:
        if checks:
            await self.hit_many(checks)


def rate_limiter_for(redis_url: str) -> RateLimiter:
    return RedisRateLimiter(redis_url) if redis_url else MemoryRateLimiter()


def identifier_key(identifier: str) -> str:
    """One key per account, however its phone or email is typed (0912…, +84 912…, Upper@Case)."""
    from accounts.identifiers import IdentifierError, normalise_email, normalise_phone

    text = identifier.strip()
    for normalise in (normalise_phone, normalise_email):
        try:
            text = normalise(text)
            break
        except (IdentifierError, ValueError):
            continue
    return hashlib.sha256(text.lower().encode("utf-8")).hexdigest()[:24]


@dataclass(frozen=True)
class LoginLimits:
    """Sign-in limits, the same for the site and the admin, in the shared limiter store.

    Only failures count, in two counters per window:

    - per (account, address): ``per_account`` failures (LOGIN_RATE_LIMIT), then that address may
      not try that account until the window ends — guessing one person's password is slow;
    - per address: ``per_address`` failures over all accounts (LOGIN_IP_FAILURE_LIMIT) — spraying
      many accounts from one address is slow too.

    Successful sign-ins never count, so a commune office behind one address can sign in a hundred
    residents in minutes. There is deliberately no global per-account lock: wrong passwords sent
    from one address would then lock the owner out everywhere (a denial of service anyone can
    cause), and exempting a correct password from a "clean" address — the usual bypass — gives no
    protection against an attacker who spreads guesses over many addresses, since each new
    address is clean. What bounds that attacker is argon2, the refusal of common passwords, and
    the audit log of failed sign-ins (``auth.login_failed``), which organizers and admins watch.
    """

    per_account: int
    per_address: int
    window: int

    def _checks(self, identifier: str, ip: str) -> list[tuple[str, int, int]]:
        return [
            (f"login:fail:pair:{identifier_key(identifier)}:{ip}", self.per_account, self.window),
            (f"login:fail:ip:{ip}", self.per_address, self.window),
        ]

    async def wait(self, limiter: RateLimiter, identifier: str, ip: str) -> int:
        """Seconds this address must wait before trying this account again (0: it may try now)."""
        return await limiter.blocked(self._checks(identifier, ip))

    async def failed(self, limiter: RateLimiter, identifier: str, ip: str) -> None:
        await limiter.add(self._checks(identifier, ip))

    async def succeeded(self, limiter: RateLimiter, identifier: str, ip: str) -> None:
        """Clears this address's failures for this account (never the address's own counter)."""
        await limiter.reset(self._checks(identifier, ip)[0][0])


def login_limits(settings) -> LoginLimits:
    return LoginLimits(
        per_account=settings.login_rate_limit,
        per_address=settings.login_ip_failure_limit,
        window=settings.rate_limit_window,
    )
