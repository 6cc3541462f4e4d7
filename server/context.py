"""Per-application services handed to controllers through dependency injection."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from accounts.clock import Clock, system_clock
from accounts.messaging import Messenger
from accounts.verification import ConsoleSmsProvider, SmsProvider
from server.ratelimit import RateLimiter
from server.settings import Settings


@dataclass
class AppContext:
    settings: Settings
    limiter: RateLimiter
    clock: Clock = field(default=system_clock)
    sms: SmsProvider = field(default_factory=ConsoleSmsProvider)
    messengers: dict[str, Messenger] = field(default_factory=dict)  # text-message providers per channel

    def now(self) -> dt.datetime:
        return self.clock()
