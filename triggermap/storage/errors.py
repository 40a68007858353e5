"""Errors of the storage layer that callers catch, in a module cheap to import at start-up."""

from __future__ import annotations


class CatalogueUnavailable(RuntimeError):
    """The catalogue file is missing, damaged or of another schema; the message says which."""


def sqlite_error_words(error: BaseException) -> str:
    """A SQLite error in words that quote no stored data: its result code's name
    ("SQLITE_CORRUPT"), never its message, which can quote a row ("Could not decode to UTF-8
    column 'family_name' with text …")."""
    name = getattr(error, "sqlite_errorname", None)
    return str(name) if name else type(error).__name__
