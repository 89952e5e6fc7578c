"""The language onboard speaks, and its UI strings in that language.

Which language: `--lang`, else `ONBOARD_LANG`, else the session's own language (the one it
was started in), else the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`), else English.

UI strings are English in the code, marked `_("…")` where they are shown (or `N_("…")` where
they are defined at import time and translated where shown), and translated from GNU gettext
PO files in `onboard/locale/<lang>/*.po`: plain text a translator edits in any editor or in
Poedit. `python -m onboard.i18n update` adds the strings the code marks but no PO file holds
yet (empty, for the translator); `python -m onboard.i18n check` lists what is missing.
The PO files are read as they are, so there is no compile step to forget.

Checklist content (week plan, interview, checks) is translated in YAML beside the English
(`checklists/ja/`), by id: see `onboard.catalog`.
"""

from __future__ import annotations

import ast
import os
import re
import sys
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LANGS = ("en", "ja")
DEFAULT = "en"
ENV_VAR = "ONBOARD_LANG"
NAMES = {"en": "English", "ja": "日本語"}
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
_LOCALE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG")


class LanguageError(ValueError):
    """An unknown language code; the message is one line for the user."""


def normalize(value: str) -> str | None:
    """'ja', 'ja_JP.UTF-8', 'JA' → 'ja'; 'en_US' → 'en'; anything else → None."""
    code = re.split(r"[_.@-]", value.strip().lower(), maxsplit=1)[0]
    return code if code in LANGS else None


def check(value: str) -> str:
    """A language code given by the user, or LanguageError naming the known ones."""
    lang = normalize(value)
    if lang is None:
        raise LanguageError(f"unknown language {value!r}; onboard speaks "
                            f"{', '.join(LANGS)}")
    return lang


def from_locale(environ: Mapping[str, str] | None = None) -> str | None:
    """The language of the locale as POSIX picks it (the first set of LC_ALL, LC_MESSAGES,
    LANG); None when the locale is unset or names a language onboard does not speak."""
    env = os.environ if environ is None else environ
    for var in _LOCALE_VARS:
        value = env.get(var, "")
        if value:
            return normalize(value)
    return None


def chosen(explicit: str | None = None, environ: Mapping[str, str] | None = None
           ) -> str | None:
    """The language the user asked for: --lang, else ONBOARD_LANG; None when neither is
    set (then the session's language, the locale, English, in that order)."""
    env = os.environ if environ is None else environ
    if explicit:
        return check(explicit)
    if env.get(ENV_VAR):
        return check(env[ENV_VAR])
    return None


def resolve(explicit: str | None = None, session: str | None = None,
            environ: Mapping[str, str] | None = None) -> str:
    """--lang > ONBOARD_LANG > the session's language > the locale > English."""
    return (chosen(explicit, environ) or (normalize(session) if session else None)
            or from_locale(environ) or DEFAULT)


# --- the current language -----------------------------------------------------------------

class _ThreadLanguage(threading.local):
    """A thread's own language, None when it speaks the process's (a class default, so
    reading it never raises: `_()` runs for every word on screen and in a report)."""

    lang: str | None = None


_state = _ThreadLanguage()
_global = {"lang": DEFAULT, "chosen": ""}


def start(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """At start-up: remember what the user asked for (--lang, ONBOARD_LANG) and speak it,
    else the locale's language, until a session says otherwise (`adopt`)."""
    choice = chosen(explicit, environ)
    _global["chosen"] = choice or ""
    set_language(resolve(choice, None, environ))
    return current()


def forget_choice() -> None:
    """The user switched language inside the app: from now on sessions speak their own."""
    _global["chosen"] = ""


def speaks_for(session_lang: str) -> str:
    """The language a session is shown in: the user's choice at start-up, else its own,
    else the one being spoken."""
    return _global["chosen"] or normalize(session_lang or "") or current()


def adopt(session_lang: str) -> str:
    """A session was opened: speak its language unless the user chose one at start-up."""
    if not _global["chosen"] and normalize(session_lang or ""):
        set_language(session_lang)
    return current()


def current() -> str:
    """The language strings are shown in: per thread when a thread set one, else the
    process-wide one."""
    return _state.lang or _global["lang"]


def set_language(lang: str) -> None:
    """Switch the whole process (the CLI and the TUI do this once they know)."""
    _global["lang"] = check(lang)
    _state.lang = None


class speaking:
    """`with speaking("ja"): …`: this thread's strings in another language for a while
    (an export in --lang while the app speaks the session's language)."""

    def __init__(self, lang: str) -> None:
        self.lang = check(lang)

    def __enter__(self) -> str:
        self._before = _state.lang
        _state.lang = self.lang
        return self.lang

    def __exit__(self, *exc: object) -> None:
        _state.lang = self._before


# --- PO catalogs --------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    msgid: str
    msgstr: str
    plural: str = ""
    plurals: tuple[str, ...] = ()
    fuzzy: bool = False
    context: str = ""
    where: str = ""


class POError(ValueError):
    """A PO file that cannot be read; one line naming the file and line."""


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


def _unquote(text: str, path: Path, lineno: int) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise POError(f"{path}:{lineno}: expected a quoted string")
    body = text[1:-1]
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt not in _ESCAPES:
                raise POError(f"{path}:{lineno}: unknown escape \\{nxt}")
            out.append(_ESCAPES[nxt])
            i += 2
            continue
        if ch == '"':
            raise POError(f"{path}:{lineno}: unescaped quote")
        out.append(ch)
        i += 1
    return "".join(out)


def parse_po(text: str, path: Path = Path("<po>")) -> list[Entry]:
    """The entries of a PO file (the header, msgid "", included): msgctxt, msgid,
    msgid_plural, msgstr, msgstr[N], multi-line strings, `#, fuzzy` flags, `#:` places."""
    entries: list[Entry] = []
    fields: dict[str, str] = {}
    flags: set[str] = set()
    where: list[str] = []
    key = ""

    def flush() -> None:
        nonlocal fields, flags, where, key
        if "msgid" in fields:
            plurals = tuple(fields[k] for k in sorted(
                (k for k in fields if k.startswith("msgstr[")),
                key=lambda k: int(k[7:-1])))
            entries.append(Entry(fields["msgid"], fields.get("msgstr", ""),
                                 fields.get("msgid_plural", ""), plurals,
                                 "fuzzy" in flags, fields.get("msgctxt", ""),
                                 " ".join(where)))
        elif fields:
            raise POError(f"{path}: an entry without msgid")
        fields, flags, where, key = {}, set(), [], ""

    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if "msgid" in fields:
                flush()
            if line.startswith("#,"):
                flags |= {f.strip() for f in line[2:].split(",")}
            elif line.startswith("#:"):
                where.append(line[2:].strip())
            continue
        if line.startswith('"'):
            if not key:
                raise POError(f"{path}:{lineno}: a string outside an entry")
            fields[key] += _unquote(line, path, lineno)
            continue
        match = re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(.*)$", line)
        if not match:
            raise POError(f"{path}:{lineno}: cannot read {line[:40]!r}")
        name, rest = match.groups()
        if name in ("msgctxt", "msgid") and "msgid" in fields and (
                name == "msgctxt" or "msgstr" in fields or any(
                    k.startswith("msgstr[") for k in fields)):
            flush()
        if name in fields:
            raise POError(f"{path}:{lineno}: {name} given twice in one entry")
        key = name
        fields[key] = _unquote(rest, path, lineno)
    flush()
    return entries


def quote(text: str) -> str:
    """A PO string: escaped and, when it has newlines, split after each."""
    def esc(s: str) -> str:
        return (s.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
                .replace("\r", "\\r").replace("\n", "\\n"))
    if "\n" not in text.rstrip("\n"):
        return f'"{esc(text)}"'
    parts = text.splitlines(keepends=True)
    return '""\n' + "\n".join(f'"{esc(p)}"' for p in parts)


def po_files(lang: str, root: Path = LOCALE_DIR) -> list[Path]:
    return sorted((root / lang).glob("*.po")) if (root / lang).is_dir() else []


@dataclass(frozen=True)
class Translations:
    lang: str
    messages: dict[str, str]
    plurals: dict[str, tuple[str, ...]]

    def gettext(self, msgid: str) -> str:
        return self.messages.get(msgid) or msgid

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        forms = self.plurals.get(singular)
        if forms and all(forms):
            return forms[0] if len(forms) == 1 else forms[0 if n == 1 else 1]
        return singular if n == 1 else plural


def load(lang: str, root: Path = LOCALE_DIR) -> Translations:
    """Every PO file of a language merged (fuzzy and empty entries left out: English
    shows instead). Two files translating one string differently is an error."""
    messages: dict[str, str] = {}
    plurals: dict[str, tuple[str, ...]] = {}
    for path in po_files(lang, root):
        for e in parse_po(path.read_text(encoding="utf-8"), path):
            if not e.msgid or e.fuzzy:
                continue
            if e.plural:
                if any(e.plurals):
                    plurals[e.msgid] = e.plurals
                continue
            if not e.msgstr:
                continue
            if messages.get(e.msgid, e.msgstr) != e.msgstr:
                raise POError(f"{path}: {e.msgid[:40]!r} translated twice, differently")
            messages[e.msgid] = e.msgstr
    return Translations(lang, messages, plurals)


@cache
def translations(lang: str) -> Translations:
    return Translations(lang, {}, {}) if lang == DEFAULT else load(lang)


def _(msgid: str) -> str:
    """The string in the current language (English when no translation is on file)."""
    lang = current()
    return msgid if lang == DEFAULT else translations(lang).gettext(msgid)


def N_(msgid: str) -> str:
    """Marks a string for translation where it is defined; `_()` translates where shown."""
    return msgid


def ngettext(singular: str, plural: str, n: int) -> str:
    lang = current()
    if lang == DEFAULT:
        return singular if n == 1 else plural
    return translations(lang).ngettext(singular, plural, n)


# --- extraction: what the code marks --------------------------------------------------------

MARKERS = {"_": 1, "N_": 1, "ngettext": 2}
SOURCE_ROOT = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Marked:
    msgid: str
    plural: str
    where: str


def _marker(node: ast.AST) -> str | None:
    """`_(…)`, `i18n._(…)`, `ngettext(…)`, `i18n.ngettext(…)`: the marker's name."""
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    name = func.id if isinstance(func, ast.Name) else (
        func.attr if isinstance(func, ast.Attribute) else None)
    return name if name in MARKERS else None


def marked_in(path: Path, root: Path = SOURCE_ROOT) -> Iterator[Marked]:
    """Every `_("…")`, `N_("…")`, `ngettext("…", "…", n)` with literal strings in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    rel = path.relative_to(root.parent).as_posix()
    for node in ast.walk(tree):
        name = _marker(node)
        if name is None or not isinstance(node, ast.Call):
            continue
        args = node.args[:MARKERS[name]]
        if not args or not all(isinstance(a, ast.Constant) and isinstance(a.value, str)
                               for a in args):
            continue
        values = [str(a.value) for a in args if isinstance(a, ast.Constant)]
        yield Marked(values[0], values[1] if len(values) > 1 else "", f"{rel}:{node.lineno}")


def marked(root: Path = SOURCE_ROOT) -> dict[str, Marked]:
    out: dict[str, Marked] = {}
    for path in sorted(root.rglob("*.py")):
        for m in marked_in(path, root):
            out.setdefault(m.msgid, m)
    return out


def area_of(where: str) -> str:
    """The PO file a new string goes to: screens, cli or core (by the file that marks it)."""
    if where.startswith(("onboard/screens/", "onboard/app.py")):
        return "screens"
    if where.startswith("onboard/cli/"):
        return "cli"
    return "core"


def missing(lang: str, root: Path = LOCALE_DIR) -> list[Marked]:
    """Marked strings with no translation (or only a fuzzy one) in `lang`."""
    have = load(lang, root)
    out = []
    for m in marked().values():
        if m.plural:
            if m.msgid not in have.plurals:
                out.append(m)
        elif m.msgid not in have.messages:
            out.append(m)
    return out


HEADER = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
          '"Language: {lang}\\n"\n"Plural-Forms: nplurals={n}; plural={rule};\\n"\n')


def update(lang: str, root: Path = LOCALE_DIR) -> dict[str, int]:
    """Append the untranslated strings, empty, to the area's PO file; return counts."""
    present = {e.msgid for p in po_files(lang, root)
               for e in parse_po(p.read_text(encoding="utf-8"), p)}
    added: dict[str, int] = {}
    for m in missing(lang, root):
        if m.msgid in present:
            continue  # there, but empty or fuzzy: the translator's to finish
        area = area_of(m.where)
        path = root / lang / f"{area}.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        head = "" if path.exists() else HEADER.format(
            lang=lang, n=1 if lang == "ja" else 2, rule="0" if lang == "ja" else "(n != 1)")
        with path.open("a", encoding="utf-8") as fh:
            fh.write(head + f"\n#: {m.where}\nmsgid {quote(m.msgid)}\n")
            if m.plural:
                fh.write(f"msgid_plural {quote(m.plural)}\nmsgstr[0] \"\"\n")
            else:
                fh.write('msgstr ""\n')
        present.add(m.msgid)
        added[area] = added.get(area, 0) + 1
    return added


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    verb = args[0] if args else "check"
    langs = [check(a) for a in args[1:]] or [lang for lang in LANGS if lang != DEFAULT]
    if verb == "update":
        for lang in langs:
            print(f"{lang}: added {update(lang) or 'nothing'}")
        return 0
    if verb == "check":
        bad = 0
        for lang in langs:
            for m in missing(lang):
                print(f"{lang}: {m.where}: untranslated {m.msgid[:60]!r}")
                bad += 1
        return 1 if bad else 0
    print("usage: python -m onboard.i18n [check|update] [LANG…]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
