"""Judgement caches that stay bounded: a full cache starts over, so landing's memory
stays flat however large the file (the same inputs recur within a file, so a fresh
cache refills with what is still useful)."""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


def remember(cache: dict[K, V], key: K, value: V, limit: int) -> bool:
    """Keep ``value`` under ``key``; a cache of ``limit`` entries is emptied first.
    Whether it was."""
    emptied = len(cache) >= limit
    if emptied:
        cache.clear()
    cache[key] = value
    return emptied
