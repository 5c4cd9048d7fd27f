"""Fixtures shared across tiers: the session's real consortium (see tests/consortium.py)."""

from tests.consortium import client_factory, consortium, fabric

__all__ = ["client_factory", "consortium", "fabric"]
