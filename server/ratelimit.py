"""Fixed-window rate limits for login, registration and other abuse-prone actions.

In one process the counters live in memory; with several workers set ``REDIS_URL`` so that
every worker counts in the same place.
"""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Protocol


class RateLimiter(Protocol):
    async def hit(self, key: str, limit: int, window: int) -> int:
        """Count one attempt; return 0 when allowed, else seconds until the window ends."""

    async def hit_many(self, checks: list[tuple[str, int, int]]) -> int:
        """Count one attempt against each ``(key, limit, window)``; return the longest wait (0: allowed)."""

    async def reset(self, key: str) -> None: ...


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


class RedisRateLimiter:
    def __init__(self, url: str, prefix: str = "sangtao:rl:"):
        from redis.asyncio import Redis

        self.redis = Redis.from_url(url)
        self.prefix = prefix

    async def hit(self, key: str, limit: int, window: int) -> int:
        return await self.hit_many([(key, limit, window)])

    async def hit_many(self, checks: list[tuple[str, int, int]]) -> int:
        """All the counters in one round trip to Redis."""
        async with self.redis.pipeline(transaction=True) as pipe:
            for key, _, window in checks:
                name = self.prefix + key
                pipe.incr(name)
                pipe.expire(name, window, nx=True)
                pipe.ttl(name)
            replies = await pipe.execute()
        waits = [max(1, int(replies[3 * n + 2])) if replies[3 * n] > limit else 0
                 for n, (_, limit, _) in enumerate(checks)]
        return max(waits, default=0)

    async def reset(self, key: str) -> None:
        await self.redis.delete(self.prefix + key)


def rate_limiter_for(redis_url: str) -> RateLimiter:
    return RedisRateLimiter(redis_url) if redis_url else MemoryRateLimiter()
