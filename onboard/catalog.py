"""Loads and validates the audit content in checklists/ (week plan, interview, checks)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from onboard.i18n import _
from onboard.models import ActionDef, CheckDef, Day, InterviewPrompt, Task

ENV_VAR = "ONBOARD_CHECKLISTS"
FILES = ("week.yaml", "interview.yaml", "checks.yaml")

M = TypeVar("M", bound=BaseModel)


class CatalogError(Exception):
    """A checklist file that cannot be used; the message is one line for the user."""


def default_dir() -> Path:
    """Where the shipped checklists are: inside the wheel, or the repo root when editable."""
    here = Path(__file__).resolve().parent
    shipped = here / "_checklists"
    return shipped if shipped.is_dir() else here.parent / "checklists"


def resolve_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit)
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    return default_dir()


@dataclass(frozen=True)
class Catalog:
    directory: Path
    days: list[Day]
    prompts: list[InterviewPrompt]
    checks: dict[str, CheckDef]
    actions: dict[str, ActionDef]
    lang: str = "en"
    tasks: dict[str, Task] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tasks", {t.id: t for d in self.days for t in d.tasks})

    def day_of(self, task_id: str) -> int:
        return next(d.day for d in self.days if any(t.id == task_id for t in d.tasks))

    def tasks_with_auto(self, event: str) -> list[Task]:
        return [t for t in self.tasks.values() if t.auto == event]


MAX_CHECKLIST_BYTES = 4 * 1024 * 1024
"""The largest checklist file read: the shipped ones are a few hundred KB."""


def _read_text(path: Path) -> str:
    """The file's text, bounded in size; a decoding error names the byte offset."""
    try:
        if path.exists() and not path.is_file():
            raise CatalogError(_("{path}: not a regular file").format(path=path))
        with path.open("rb") as fh:
            raw = fh.read(MAX_CHECKLIST_BYTES + 1)
    except FileNotFoundError:
        raise CatalogError(_("{path}: file not found").format(path=path)) from None
    except OSError as exc:
        raise CatalogError(_("{path}: cannot read: {why}").format(
            path=path, why=exc.strerror)) from None
    if len(raw) > MAX_CHECKLIST_BYTES:
        raise CatalogError(_("{path}: larger than {mb} MB; a checklist file is text of a few "
                             "hundred KB").format(path=path,
                                                  mb=MAX_CHECKLIST_BYTES // (1024 * 1024)))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogError(_("{path}: not UTF-8 text (byte {offset} is {byte}); save it as "
                             "UTF-8").format(path=path, offset=exc.start,
                                             byte=f"0x{raw[exc.start]:02x}")) from None


def _read_yaml(path: Path) -> Any:
    text = _read_text(path)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = (" " + _("line {line} column {column}").format(
            line=mark.line + 1, column=mark.column + 1)) if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise CatalogError(_("{path}:{where}: invalid YAML: {problem}").format(
            path=path, where=where, problem=problem)) from None
    except RecursionError:
        # PyYAML builds nested collections recursively: a deeply nested file (no checklist
        # nests more than a few levels) would otherwise end in a thousand-line traceback.
        raise CatalogError(_("{path}: YAML nested too deeply to be a checklist").format(
            path=path)) from None


def _section(path: Path, data: Any, key: str) -> list[Any]:
    if not isinstance(data, dict) or key not in data:
        raise CatalogError(_("{path}: expected a mapping with a top-level '{key}:' "
                             "list").format(path=path, key=key))
    items = data[key]
    if not isinstance(items, list):
        raise CatalogError(_("{path}: {key}: expected a list, got {type}").format(
            path=path, key=key, type=type(items).__name__))
    return items


def _validate(path: Path, key: str, items: list[Any], model: type[M]) -> list[M]:
    out: list[M] = []
    for index, item in enumerate(items):
        try:
            out.append(model.model_validate(item))
        except ValidationError as exc:
            err = exc.errors()[0]
            loc = ".".join(str(p) for p in (key, index, *err["loc"]))
            ident = item.get("id") if isinstance(item, dict) else None
            label = f" (id {ident})" if ident else ""
            more = f" (+{len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
            raise CatalogError(f"{path}: {loc}{label}: {err['msg']}{more}") from None
    return out


def _unique(path: Path, key: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for ident in ids:
        if ident in seen:
            raise CatalogError(_("{path}: {key}: duplicate id '{id}'").format(
                path=path, key=key, id=ident))
        seen.add(ident)


def load(directory: str | os.PathLike[str] | None = None, lang: str = "en") -> Catalog:
    """Read and validate all three files; raise CatalogError with a one-line message.
    With `lang` other than English, the translations in `<directory>/<lang>/*.yaml` are laid
    over the English by id (`onboard.translations`); what they leave out stays English."""
    root = resolve_dir(directory)
    if not root.is_dir():
        raise CatalogError(_("{path}: checklists folder not found").format(path=root))
    week_path, interview_path, checks_path = (root / name for name in FILES)

    days = _validate(week_path, "days", _section(week_path, _read_yaml(week_path), "days"), Day)
    _unique(week_path, "tasks", [t.id for d in days for t in d.tasks])

    prompts_raw = _section(interview_path, _read_yaml(interview_path), "prompts")
    prompts = _validate(interview_path, "prompts", prompts_raw, InterviewPrompt)
    _unique(interview_path, "prompts", [p.id for p in prompts])

    checks_data = _read_yaml(checks_path)
    checks = _validate(checks_path, "checks", _section(checks_path, checks_data, "checks"),
                       CheckDef)
    actions = _validate(checks_path, "actions", _section(checks_path, checks_data, "actions"),
                        ActionDef)
    _unique(checks_path, "checks", [c.id for c in checks])
    _unique(checks_path, "actions", [a.id for a in actions])

    check_ids = {c.id for c in checks}
    action_ids = {a.id for a in actions}
    for c in checks:
        if c.action and c.action not in action_ids:
            raise CatalogError(_("{path}: checks.{id}.action: unknown action "
                                 "'{action}'").format(path=checks_path, id=c.id,
                                                      action=c.action))
    for a in actions:
        for answered in a.answers:
            if answered not in check_ids:
                raise CatalogError(_("{path}: actions.{id}.answers: unknown check "
                                     "'{check}'").format(path=checks_path, id=a.id,
                                                         check=answered))
    english = Catalog(
        directory=root,
        days=sorted(days, key=lambda d: d.day),
        prompts=prompts,
        checks={c.id: c for c in checks},
        actions={a.id: a for a in actions},
    )
    if lang == "en":
        return english
    from onboard.translations import translated

    return translated(english, lang, _overlay_files(root / lang))


def _overlay_files(folder: Path) -> list[tuple[Path, Any]]:
    if not folder.is_dir():
        return []
    return [(path, _read_yaml(path)) for path in sorted(folder.glob("*.yaml"))]


@cache
def shipped(lang: str = "en") -> Catalog:
    """The catalog that ships with onboard (cached; used where no --checklists is given)."""
    return load(default_dir(), lang)


def in_language(catalog: Catalog, lang: str) -> Catalog:
    """The same checklists (shipped or a team's folder) in another language."""
    if catalog.lang == lang:
        return catalog
    if catalog.directory == default_dir():
        return shipped(lang)
    return _team(catalog.directory, lang)


@cache
def _team(directory: Path, lang: str) -> Catalog:
    """A team's folder in another language, read once per process like the one it was
    opened in (a Workspace asks for it at every write)."""
    return load(directory, lang)
