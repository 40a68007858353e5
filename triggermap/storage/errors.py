"""Errors of the storage layer that callers catch, in a module cheap to import at start-up."""

from __future__ import annotations


class CatalogueUnavailable(RuntimeError):
    """The catalogue file is missing, damaged or of another schema; the message says which."""
