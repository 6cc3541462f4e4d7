"""Errors raised by the contest domain."""

from accounts.errors import DomainError, NotFound, PermissionDenied, ValidationFailed


class IdeaError(DomainError):
    """An action on an idea is not possible (the message says why)."""


__all__ = ["IdeaError", "NotFound", "PermissionDenied", "ValidationFailed"]
