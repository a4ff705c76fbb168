"""Tellus: tell us once."""

__version__ = "0.1.0"
