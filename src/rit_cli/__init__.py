"""rit: a command-line partnership tracker for international cluster cooperation."""

__version__ = "0.1.0"
