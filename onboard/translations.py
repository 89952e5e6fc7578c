"""Checklist content in another language, laid over the English by id.

`checklists/<lang>/*.yaml` hold the same top-level lists as the English files (`days`,
`prompts`, `checks`, `actions`), each item naming its `id` (`day` for a day) and only the
fields a reader sees: titles, descriptions, rules, observation templates, incidents,
reasons, console steps, interview wording. What a translation leaves out stays English.

Commands never change with the language: a translated `cli`, `cli_setup` or `terraform`
may change its comments only. A translation whose command lines differ from the English
is refused, so a fix pasted from the Japanese report is the fix the English one proves.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from onboard.catalog import Catalog, CatalogError
from onboard.i18n import _
from onboard.models import ActionDef, CheckDef, Day, InterviewPrompt, Remediation, Task

TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "checks": ("title", "description", "rule", "observation", "incident", "reason", "manual"),
    "actions": ("title", "description"),
    "days": ("title", "goal"),
    "tasks": ("title", "done_when", "help"),
    "prompts": ("topic", "aws_wording", "plain_wording", "why", "record"),
}
REMEDIATION_FIELDS = ("console", "cli", "terraform", "cli_setup")
CODE_FIELDS = ("cli", "terraform", "cli_setup")
SECTIONS = ("days", "prompts", "checks", "actions")


def code_lines(text: str) -> list[str]:
    """The lines that run: comment lines (#, //) and blank lines left out, trailing spaces
    trimmed. A translation may change only what this leaves out."""
    out = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "//")):
            continue
        out.append(line.rstrip())
    return out


def _where(path: Path, section: str, ident: Any, name: str = "") -> str:
    return f"{path}: {section}.{ident}{'.' + name if name else ''}"


def _text(path: Path, section: str, ident: Any, name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise CatalogError(_("{where}: expected text, got {type}").format(
            where=_where(path, section, ident, name), type=type(value).__name__))
    return value


def _fields(path: Path, section: str, item: dict[str, Any], allowed: tuple[str, ...],
            extra: tuple[str, ...] = ()) -> dict[str, Any]:
    ident = item.get("id", item.get("day"))
    unknown = sorted(set(item) - {"id", "day", *allowed, *extra})
    if unknown:
        raise CatalogError(_("{where}: cannot translate {names} (translatable: "
                             "{allowed})").format(where=_where(path, section, ident),
                                                  names=", ".join(unknown),
                                                  allowed=", ".join(allowed)))
    return {k: _text(path, section, ident, k, item[k]) for k in allowed if k in item}


def _remediation(path: Path, section: str, ident: str, english: Remediation,
                 value: Any) -> Remediation:
    if not isinstance(value, dict):
        raise CatalogError(_("{where}: expected a mapping").format(
            where=_where(path, section, ident, "remediation")))
    unknown = sorted(set(value) - set(REMEDIATION_FIELDS))
    if unknown:
        raise CatalogError(_("{where}: unknown {names}").format(
            where=_where(path, section, ident, "remediation"), names=", ".join(unknown)))
    changes = {}
    for name in REMEDIATION_FIELDS:
        if name not in value:
            continue
        text = _text(path, section, ident, f"remediation.{name}", value[name])
        if name in CODE_FIELDS and code_lines(text) != code_lines(getattr(english, name)):
            raise CatalogError(_("{where}: the commands differ from the English; translate "
                                 "only the comments (lines starting with # or //)").format(
                where=_where(path, section, ident, "remediation." + name)))
        changes[name] = text
    return english.model_copy(update=changes)


def _items(path: Path, data: Any, section: str) -> list[dict[str, Any]]:
    items = data.get(section) or []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise CatalogError(_("{path}: {section}: expected a list of mappings").format(
            path=path, section=section))
    return items


def _index(path: Path, section: str, items: list[dict[str, Any]], key: str,
           known: set[Any]) -> dict[Any, dict[str, Any]]:
    out: dict[Any, dict[str, Any]] = {}
    for item in items:
        ident = item.get(key)
        if ident not in known:
            raise CatalogError(_("{path}: {section}: unknown {key} {id} (translations name "
                                 "an item of the English file)").format(
                path=path, section=section, key=key, id=repr(ident)))
        if ident in out:
            raise CatalogError(_("{path}: {section}: {key} {id} translated twice").format(
                path=path, section=section, key=key, id=repr(ident)))
        out[ident] = item
    return out


def _merge(model: BaseModel, changes: dict[str, Any]) -> Any:
    return model.model_copy(update=changes) if changes else model


D = TypeVar("D", CheckDef, ActionDef)


def _with_remediation(path: Path, section: str, english: D, item: dict[str, Any]) -> D:
    """A check or an action with its translated text and remediation laid over it."""
    changes = dict(_fields(path, section, item, TEXT_FIELDS[section], ("remediation",)))
    if "remediation" in item:
        changes["remediation"] = _remediation(path, section, english.id, english.remediation,
                                              item["remediation"])
    return _merge(english, changes)


def _lay_over(path: Path, data: Any, section: str, defs: dict[str, D], seen: set[Any]) -> None:
    """Lay one file's translations of checks or actions over `defs` (in place)."""
    for ident, item in _index(path, section, _items(path, data, section), "id",
                              set(defs) - seen).items():
        defs[ident] = _with_remediation(path, section, defs[ident], item)
        seen.add(ident)


def translated(english: Catalog, lang: str, files: list[tuple[Path, Any]]) -> Catalog:
    """The English catalog with every translation file of `lang` laid over it."""
    days = {d.day: d for d in english.days}
    prompts = {p.id: p for p in english.prompts}
    checks = dict(english.checks)
    actions = dict(english.actions)
    seen: dict[str, set[Any]] = {s: set() for s in (*SECTIONS, "tasks")}
    for path, data in files:
        if data is None:
            continue
        if not isinstance(data, dict) or set(data) - set(SECTIONS):
            raise CatalogError(_("{path}: expected a mapping with some of {sections}").format(
                path=path, sections=", ".join(s + ":" for s in SECTIONS)))
        _lay_over(path, data, "checks", checks, seen["checks"])
        _lay_over(path, data, "actions", actions, seen["actions"])
        for ident, item in _index(path, "prompts", _items(path, data, "prompts"), "id",
                                  set(prompts) - seen["prompts"]).items():
            p: InterviewPrompt = prompts[ident]
            prompts[ident] = _merge(p, _fields(path, "prompts", item, TEXT_FIELDS["prompts"]))
            seen["prompts"].add(ident)
        for number, item in _index(path, "days", _items(path, data, "days"), "day",
                                   set(days) - seen["days"]).items():
            d: Day = days[number]
            changes = dict(_fields(path, "days", item, TEXT_FIELDS["days"], ("tasks",)))
            if "tasks" in item:
                tasks = {t.id: t for t in d.tasks}
                by_id = _index(path, f"days.{number}.tasks", _items(path, item, "tasks"), "id",
                               set(tasks))
                new_tasks: list[Task] = [
                    _merge(t, _fields(path, "tasks", by_id[t.id], TEXT_FIELDS["tasks"]))
                    if t.id in by_id else t for t in d.tasks]
                changes["tasks"] = new_tasks
            days[number] = _merge(d, changes)
            seen["days"].add(number)
    return replace(english, days=[days[d.day] for d in english.days],
                   prompts=[prompts[p.id] for p in english.prompts],
                   checks=checks, actions=actions, lang=lang)


def _commented(r: Remediation) -> tuple[str, ...]:
    """console, and each command field whose English has a comment in words to translate."""
    def words(text: str) -> bool:
        return any(line.strip().startswith(("#", "//")) and any(ch.isalpha() for ch in line)
                   for line in text.splitlines())
    return ("console", *(name for name in CODE_FIELDS if words(getattr(r, name))))


def untranslated(english: Catalog, other: Catalog) -> list[str]:
    """Every id and field whose text in `other` is still the English one (a field empty in
    English needs nothing): what a completeness test and a translator's to-do list read."""
    out: list[str] = []

    def compare(where: str, a: BaseModel, b: BaseModel, names: tuple[str, ...]) -> None:
        for name in names:
            ours, theirs = getattr(a, name), getattr(b, name)
            if ours and theirs == ours:
                out.append(f"{where}.{name}")

    for d_en, d in zip(english.days, other.days, strict=True):
        compare(f"days.{d.day}", d_en, d, TEXT_FIELDS["days"])
        for t_en, t in zip(d_en.tasks, d.tasks, strict=True):
            compare(f"tasks.{t.id}", t_en, t, TEXT_FIELDS["tasks"])
    for p_en, p in zip(english.prompts, other.prompts, strict=True):
        compare(f"prompts.{p.id}", p_en, p, TEXT_FIELDS["prompts"])
    for ident, c_en in english.checks.items():
        c = other.checks[ident]
        compare(f"checks.{ident}", c_en, c, TEXT_FIELDS["checks"])
        compare(f"checks.{ident}.remediation", c_en.remediation, c.remediation,
                _commented(c_en.remediation))
    for ident, a_en in english.actions.items():
        a = other.actions[ident]
        compare(f"actions.{ident}", a_en, a, TEXT_FIELDS["actions"])
        compare(f"actions.{ident}.remediation", a_en.remediation, a.remediation,
                _commented(a_en.remediation))
    return out
