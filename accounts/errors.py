"""Domain errors. Messages are English msgids, translated where they reach a person."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused an action.

    ``message`` is a translatable msgid (marked with ``N_``); ``params`` fill its
    ``%(name)s`` placeholders; ``field`` names the form field it belongs to, if any.
    """

    def __init__(self, message: str, *, field: str | None = None, **params: object):
        super().__init__(message)
        self.message = message
        self.field = field
        self.params = params


class ValidationFailed(DomainError):
    """Several fields of a form are wrong; ``errors`` maps field name → msgid."""

    def __init__(self, errors: dict[str, str], params: dict[str, dict[str, object]] | None = None):
        super().__init__(next(iter(errors.values())) if errors else "")
        self.errors = errors
        self.field_params = params or {}


class NotFound(DomainError):
    pass


class PermissionDenied(DomainError):
    pass


class RateLimited(DomainError):
    """Too many attempts; ``params['minutes']`` says when to try again."""


class AccountError(DomainError):
    pass
