"""The errors rit raises; ``cli.main`` turns them into one line on stderr and an exit status."""

from __future__ import annotations


class RitError(Exception):
    """Base of every error rit reports to the user."""

    exit_code = 1


class InvalidInput(RitError):
    """A value the user gave cannot be accepted."""

    exit_code = 2


class NotFound(InvalidInput):
    """A reference matches no record."""


class Ambiguous(InvalidInput):
    """A reference matches more than one record."""


class Conflict(InvalidInput):
    """The change would contradict what is already recorded."""


class StoreError(RitError):
    """The database cannot be opened, read or written."""
