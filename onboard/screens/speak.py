"""Key bindings in the language being spoken.

Textual copies a class's bindings into each widget when it is made, from the class's merged
map built at import (in English: the language is not known yet). `speak_bindings` lays
the translations over every onboard class's map, from the English it keeps, so the footer,
the keys panel and the palette show them in the current language. The app calls it when it
is made (again after a language switch).
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import replace
from typing import Any

from textual.binding import BindingsMap
from textual.dom import DOMNode

from onboard import i18n

_ENGLISH = "_onboard_english_bindings"
_state = {"translated": False}


def _subclasses(cls: type) -> list[type]:
    out: list[type] = []
    subs: list[type] = type.__subclasses__(cls)
    for sub in subs:
        out.append(sub)
        out.extend(_subclasses(sub))
    return out


def _translated(english: BindingsMap) -> BindingsMap:
    out = BindingsMap()
    for key, bindings in english.key_to_bindings.items():
        out.key_to_bindings[key] = [
            replace(b, description=i18n._(b.description) if b.description else "",
                    tooltip=i18n._(b.tooltip) if b.tooltip else "")
            for b in bindings]
    return out


def speak_bindings() -> int:
    """Translate the bindings of every onboard widget, screen and app class; return how
    many classes were translated."""
    if i18n.current() == i18n.DEFAULT and not _state["translated"]:
        return 0  # English, and never translated: the classes' own bindings are right
    _state["translated"] = True
    import onboard.screens as package

    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")
    importlib.import_module("onboard.app")
    count = 0
    for cls in {c for c in _subclasses(DOMNode) if c.__module__.startswith("onboard.")}:
        merged: Any = cls.__dict__.get("_merged_bindings")
        if merged is None:
            continue
        english = cls.__dict__.get(_ENGLISH)
        if english is None:
            english = merged
            setattr(cls, _ENGLISH, english)
        cls._merged_bindings = _translated(english)  # type: ignore[attr-defined]
        count += 1
    return count
