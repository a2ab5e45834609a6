"""Errors the user sees: a message key, parameters, an exit code (DESIGN §3).

0 ok, 1 user/domain error, 2 usage, 3 not found, 4 step not allowed now,
10 `remind` found overdue items.
"""
from __future__ import annotations


class PmcsError(Exception):
    exit_code = 1
    default_hint: str | None = None

    def __init__(self, key: str, hint: str | None = None, **params):
        super().__init__(key)
        self.key = key
        self.hint = hint if hint is not None else self.default_hint
        self.params = params

    def message(self) -> str:
        from pmcs.i18n import t

        return t(self.key, **self._shown_params())

    def _shown_params(self) -> dict:
        """Field names are shown in the user's language (``field.<name>``)."""
        from pmcs.i18n import t

        params = dict(self.params)
        if "field" in params:
            key = f"field.{params['field']}"
            shown = t(key)
            params["field"] = shown if shown != key else params["field"]
        return params

    def hint_text(self) -> str | None:
        from pmcs.i18n import t

        return t(self.hint, **self._shown_params()) if self.hint else None

    def __str__(self) -> str:  # useful in logs and pytest output
        return self.message()


class UserError(PmcsError):
    exit_code = 1


class UsageError(PmcsError):
    exit_code = 2


class NotFound(PmcsError):
    exit_code = 3


class NotAllowed(PmcsError):
    exit_code = 4


class FieldError(UserError):
    """A bad value in one field; importers turn it into `line N, column X: why`."""

    def __init__(self, field: str, key: str, **params):
        super().__init__(key, field=field, **params)
        self.field = field
