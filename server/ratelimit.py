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

    async def reset(self, key: str) -> None:
        self.windows.pop(key, None)


class RedisRateLimiter:
    def __init__(self, url: str, prefix: str = "sangtao:rl:"):
        from redis.asyncio import Redis

        self.redis = Redis.from_url(url)
        self.prefix = prefix

    async def hit(self, key: str, limit: int, window: int) -> int:
        name = self.prefix + key
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, window, nx=True)
            pipe.ttl(name)
            count, _, ttl = await pipe.execute()
        return max(1, int(ttl)) if count > limit else 0

    async def reset(self, key: str) -> None:
        await self.redis.delete(self.prefix + key)


def rate_limiter_for(redis_url: str) -> RateLimiter:
    return RedisRateLimiter(redis_url) if redis_url else MemoryRateLimiter()
