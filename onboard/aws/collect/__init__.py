"""Collectors: read-only API calls → inventory records, one module per service."""

from __future__ import annotations

import importlib
import pkgutil

from onboard.aws.collect.base import REGISTRY, Collector


def all_collectors() -> dict[str, Collector]:
    """Import every collector module once and return the registry, by name."""
    for info in pkgutil.iter_modules(__path__):
        if info.name != "base":
            importlib.import_module(f"{__name__}.{info.name}")
    return dict(sorted(REGISTRY.items()))
