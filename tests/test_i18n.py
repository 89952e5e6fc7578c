"""Languages: which one is spoken, the PO catalogs a translator edits, the checklist
translations laid over the English, and a session that remembers its language."""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

from onboard import catalog, decide, i18n, orient
from onboard.catalog import Catalog, CatalogError
from onboard.i18n import POError, parse_po
from onboard.models import Finding, Status
from onboard.orient import RowResource
from onboard.store import Store
from onboard.translations import code_lines, untranslated
from onboard.workspace import Workspace
from tests.helpers import derive, record_scan

ROOT = Path(__file__).resolve().parents[1]
PROD = "111111111111"


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    i18n.start("en")


# --- which language --------------------------------------------------------------------------


@pytest.mark.parametrize(("explicit", "env", "session", "want"), [
    ("ja", {"ONBOARD_LANG": "en", "LANG": "en_US.UTF-8"}, "en", "ja"),
    (None, {"ONBOARD_LANG": "ja", "LANG": "en_US.UTF-8"}, "en", "ja"),
    (None, {"LANG": "en_US.UTF-8"}, "ja", "ja"),
    (None, {"LANG": "ja_JP.UTF-8"}, "", "ja"),
    (None, {"LC_ALL": "en_US.UTF-8", "LANG": "ja_JP.UTF-8"}, "", "en"),
    (None, {"LC_MESSAGES": "ja_JP.eucJP", "LANG": "C"}, "", "ja"),
    (None, {"LANG": "C.UTF-8"}, "", "en"),
    (None, {"LANG": "fr_FR.UTF-8"}, "", "en"),
    (None, {}, "", "en"),
])
def test_the_language_is_the_flag_then_env_then_session_then_locale(
        explicit: str | None, env: dict[str, str], session: str, want: str) -> None:
    assert i18n.resolve(explicit, session, env) == want


def test_an_unknown_language_is_one_line() -> None:
    with pytest.raises(i18n.LanguageError, match=r"unknown language 'fr'; onboard speaks en, ja"):
        i18n.check("fr")


def test_adopt_follows_the_session_unless_the_user_chose() -> None:
    i18n.start(None, {"LANG": "en_US.UTF-8"})
    assert i18n.adopt("ja") == "ja"
    i18n.start(None, {"ONBOARD_LANG": "en"})
    assert i18n.adopt("ja") == "en", "ONBOARD_LANG is a choice"
    i18n.start(None, {})
    assert i18n.adopt("") == "en", "a session from before languages keeps the locale's"


def test_speaking_is_per_thread_and_restores() -> None:
    i18n.set_language("en")
    with i18n.speaking("ja"):
        assert i18n._(", ") == "、"
        with i18n.speaking("en"):
            assert i18n._(", ") == ", "
        assert i18n.current() == "ja"
    assert i18n.current() == "en" and i18n._(", ") == ", "


# --- PO files ------------------------------------------------------------------------------


def test_po_parser_reads_what_translators_write(tmp_path: Path) -> None:
    text = (
        'msgid ""\nmsgstr ""\n"Language: ja\\n"\n\n'
        '#: onboard/x.py:1\nmsgid "Hello"\nmsgstr "こんにちは"\n\n'
        '#, fuzzy\nmsgid "Maybe"\nmsgstr "たぶん"\n\n'
        'msgid ""\n"two\\n"\n"lines \\"quoted\\""\nmsgstr ""\n"二行\\n"\n"「引用」"\n\n'
        'msgid "{n} file"\nmsgid_plural "{n} files"\nmsgstr[0] "{n}個のファイル"\n\n'
        'msgctxt "menu"\nmsgid "Open"\nmsgstr "開く"\n'
    )
    entries = parse_po(text)
    by_id = {e.msgid: e for e in entries}
    assert by_id["Hello"].msgstr == "こんにちは" and by_id["Hello"].where == "onboard/x.py:1"
    assert by_id["Maybe"].fuzzy
    assert by_id['two\nlines "quoted"'].msgstr == "二行\n「引用」"
    assert by_id["{n} file"].plurals == ("{n}個のファイル",)
    assert by_id["Open"].context == "menu"
    (tmp_path / "ja").mkdir()
    (tmp_path / "ja" / "a.po").write_text(text, encoding="utf-8")
    t = i18n.load("ja", tmp_path)
    assert t.gettext("Hello") == "こんにちは"
    assert t.gettext("Maybe") == "Maybe", "fuzzy entries are not used"
    assert t.ngettext("{n} file", "{n} files", 3) == "{n}個のファイル"
    assert t.gettext("Missing") == "Missing", "English when no translation is on file"


@pytest.mark.parametrize(("text", "message"), [
    ('msgid "a"\nmsgstr "b\n', r"x.po:2: expected a quoted string"),
    ('msgid "a"\nmsgstr "\\q"\n', r"x.po:2: unknown escape \\q"),
    ('msgid "a"\nbogus "b"\n', r"x.po:2: cannot read"),
    ('"stray"\n', r"x.po:1: a string outside an entry"),
    ('msgid "a"\nmsgstr "b"\nmsgstr "c"\n', r"x.po:3: msgstr given twice"),
])
def test_a_broken_po_file_names_file_and_line(text: str, message: str) -> None:
    with pytest.raises(POError, match=message):
        parse_po(text, Path("x.po"))


def test_two_files_translating_one_string_differently_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "ja").mkdir()
    (tmp_path / "ja" / "a.po").write_text('msgid "x"\nmsgstr "一"\n', encoding="utf-8")
    (tmp_path / "ja" / "b.po").write_text('msgid "x"\nmsgstr "二"\n', encoding="utf-8")
    with pytest.raises(POError, match="translated twice, differently"):
        i18n.load("ja", tmp_path)


def test_quote_round_trips() -> None:
    for text in ["plain", 'a "b" \\ c', "line\nnext\n", "tab\there"]:
        entry = parse_po(f"msgid {i18n.quote(text)}\nmsgstr {i18n.quote(text)}\n")[0]
        assert entry.msgid == text == entry.msgstr


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}


def test_every_marked_string_has_its_japanese_and_keeps_its_placeholders() -> None:
    """The completeness gate: a string the code marks for translation and no PO file
    translates fails here (`python -m onboard.i18n check` lists them)."""
    missing = [f"{m.where}: {m.msgid[:50]!r}" for m in i18n.missing("ja")]
    assert not missing, f"{len(missing)} untranslated:\n" + "\n".join(missing[:40])
    ja = i18n.load("ja")
    marked = i18n.marked()
    for msgid, msgstr in ja.messages.items():
        assert _fields(msgstr) == _fields(msgid), f"placeholders differ: {msgid!r}"
    for msgid, forms in ja.plurals.items():
        plural = marked[msgid].plural if msgid in marked else msgid
        for form in forms:
            assert _fields(form) <= _fields(msgid) | _fields(plural), msgid
    stale = sorted(set(ja.messages) - set(marked))
    assert not stale, f"translations of strings no code marks any more: {stale[:10]}"


def _import_time_calls(path: Path) -> list[str]:
    """Calls of _()/ngettext() that run when the module is imported (module level, class
    bodies, default arguments, decorators): they would freeze the English."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: list[str] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            for d in getattr(node, "decorator_list", []):
                visit(d, in_function)
            for default in [*node.args.defaults, *node.args.kw_defaults]:
                if default is not None:
                    visit(default, in_function)
            for child in (node.body if isinstance(node.body, list) else [node.body]):
                visit(child, True)
            return
        if not in_function and i18n._marker(node) in ("_", "ngettext"):
            out.append(f"{path.name}:{node.lineno}")
        for child in ast.iter_child_nodes(node):
            visit(child, in_function)

    visit(tree, False)
    return out


def test_nothing_is_translated_at_import_time() -> None:
    found = [c for p in sorted((ROOT / "onboard").rglob("*.py")) for c in _import_time_calls(p)]
    assert not found, f"use N_() where these are defined and _() where shown: {found}"


def test_a_throwaway_underscore_never_shadows_the_translator() -> None:
    """`for x, _ in …` in a module that imports `_` would make every later `_()` in that
    function call a tuple element."""
    bad = []
    for path in sorted((ROOT / "onboard").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if not re.search(r"^from onboard\.i18n import .*\b_\b", text, re.M):
            continue
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store):
                bad.append(f"{path.name}:{node.lineno}")
    assert not bad, bad


# --- checklist content -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def en() -> Catalog:
    return catalog.load()


@pytest.fixture(scope="module")
def ja() -> Catalog:
    return catalog.load(None, "ja")


def test_every_id_and_field_of_the_content_has_its_japanese(en: Catalog, ja: Catalog) -> None:
    missing = untranslated(en, ja)
    assert not missing, f"{len(missing)} fields still English: {missing[:30]}"
    assert ja.lang == "ja" and set(ja.checks) == set(en.checks)


def _japanese(text: str) -> bool:
    return bool(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text))


def test_the_japanese_content_is_japanese_and_keeps_commands_and_placeholders(
        en: Catalog, ja: Catalog) -> None:
    from onboard.remediation import PLACEHOLDERS

    values = dict.fromkeys(PLACEHOLDERS, "x")
    for ident, c in ja.checks.items():
        e = en.checks[ident]
        assert _japanese(c.title) and _japanese(c.observation) and _japanese(c.incident), ident
        # every value the English shows, and nothing it does not have; plural forms
        # ({p:…}, {pp:…}) may go: Japanese has one
        assert _fields(e.observation) - {"p", "pp"} <= _fields(c.observation) <= \
            _fields(e.observation), ident
        for name in ("cli", "terraform", "cli_setup", "console"):
            getattr(c.remediation, name).format(**values)
            if name != "console":
                assert code_lines(getattr(c.remediation, name)) == \
                    code_lines(getattr(e.remediation, name)), ident
    for ident, a in ja.actions.items():
        assert _japanese(a.title), ident
        a.remediation.cli.format(**values)
        a.remediation.terraform.format(**values)
    for d in ja.days:
        assert _japanese(d.title) and all(_japanese(t.help) for t in d.tasks)
    for p in ja.prompts:
        assert _japanese(p.plain_wording) and _japanese(p.aws_wording), p.id


def test_japanese_observations_render_with_counts(ja: Catalog) -> None:
    resources = [RowResource(account_id=PROD, region=r, resource_id=n)
                 for n, r in (("a", "us-east-1"), ("b", "ap-northeast-1"), ("c", "us-east-1"),
                              ("d", "eu-west-1"))]
    for ident, check in ja.checks.items():
        text = orient.generated(ident, check, resources, {PROD: "本番"}, lang="ja")
        assert "{" not in text["observation"] and _japanese(text["observation"]), ident
    human = orient.generated("iam.human_users", ja.checks["iam.human_users"], resources,
                             {PROD: "本番"}, lang="ja")["observation"]
    assert "4人（1アカウントのIAMユーザー4個）" in human
    assert "ほか1件" in human, "three examples, then how many more"


def _overlay(tmp_path: Path, body: str) -> Path:
    root = tmp_path / "lists"
    root.mkdir()
    for name in catalog.FILES:
        (root / name).write_text((catalog.default_dir() / name).read_text(encoding="utf-8"),
                                 encoding="utf-8")
    (root / "ja").mkdir()
    (root / "ja" / "mine.yaml").write_text(body, encoding="utf-8")
    return root


def test_a_teams_copy_carries_its_own_japanese(tmp_path: Path) -> None:
    root = _overlay(tmp_path, "checks:\n  - id: s3.versioning\n    title: うちの表現\n")
    ja = catalog.load(root, "ja")
    assert ja.checks["s3.versioning"].title == "うちの表現"
    assert ja.checks["s3.versioning"].incident == catalog.load(root).checks[
        "s3.versioning"].incident, "what the team did not translate stays English"
    assert catalog.load(root).checks["s3.versioning"].title != "うちの表現"


@pytest.mark.parametrize(("body", "message"), [
    ("checks:\n  - id: nope\n    title: x\n", r"unknown id 'nope'"),
    ("checks:\n  - id: s3.versioning\n    severity: low\n", r"cannot translate severity"),
    ("checks:\n  - id: s3.versioning\n    title: [1]\n", r"s3.versioning.title: expected text"),
    ("checks:\n  - id: s3.versioning\n    remediation:\n      cli: rm -rf /\n",
     r"the commands differ from the English; translate only the comments"),
    ("days:\n  - day: 9\n    title: x\n", r"unknown day 9"),
    ("prompts: 3\n", r"prompts: expected a list of mappings"),
    ("other: []\n", r"expected a mapping with some of"),
    ("checks:\n  - id: s3.versioning\n    title: a\n  - id: s3.versioning\n    title: b\n",
     r"translated twice"),
])
def test_a_broken_translation_is_one_line(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(CatalogError, match=message):
        catalog.load(_overlay(tmp_path, body), "ja")


def test_a_translation_may_change_comments_only(tmp_path: Path) -> None:
    english = catalog.load().checks["s3.versioning"].remediation.cli
    commented = "\n".join(("# 日本語のコメント" if line.lstrip().startswith("#") else line)
                          for line in english.splitlines())
    body = "checks:\n  - id: s3.versioning\n    remediation:\n      cli: |\n" + "".join(
        f"        {line}\n" for line in commented.splitlines())
    ja = catalog.load(_overlay(tmp_path, body), "ja")
    assert code_lines(ja.checks["s3.versioning"].remediation.cli) == code_lines(english)


# --- a session's language --------------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "d.db")
    yield s
    s.close()


def _fail(cat: Catalog, check_id: str, resource_id: str, rtype: str) -> Finding:
    return Finding(check_id=check_id, status=Status.FAIL, severity=cat.checks[check_id].severity,
                   account_id=PROD, region="global", resource_id=resource_id,
                   resource_type=rtype, message="m")


def _talk(store: Store, cat: Catalog, lang: str) -> int:
    sid = store.create_session("talk", lang=lang).id
    record_scan(store, sid, [
        _fail(cat, "iam.human_users", "haruka.sato", "iam.user"),
        _fail(cat, "s3.versioning", "cap-table-prod", "s3.bucket")],
        identity={"account_id": PROD}, catalog=cat)
    derive(store, cat, sid)
    return sid


def test_rows_are_written_in_the_sessions_language_and_read_in_any(
        store: Store, en: Catalog, ja: Catalog) -> None:
    sid = _talk(store, en, "ja")  # a command speaking English writes a Japanese session
    stored = {r.check_id: r for r in store.matrix_rows(sid)}
    assert stored["s3.versioning"].incident == "データ喪失"
    english = {r.check_id: r for r in orient.matrix(store, en, sid)}
    assert english["s3.versioning"].incident == "Data loss"
    assert english["iam.human_users"].observation.startswith("1 person (1 IAM user in 1 account)")
    Workspace(store, ja, sid).edit_row(english["s3.versioning"].id, reason="自分の言葉")
    again = {r.check_id: r for r in orient.matrix(store, en, sid)}
    assert again["s3.versioning"].reason == "自分の言葉", "an edited field is the user's own"
    assert again["s3.versioning"].incident == "Data loss"


def test_switching_a_sessions_language_rewrites_what_was_generated(
        store: Store, en: Catalog, ja: Catalog) -> None:
    sid = _talk(store, en, "en")
    Workspace(store, en, sid).choose("enable-s3-versioning")
    mine = Workspace(store, en, sid).choose("adopt-identity-center")
    Workspace(store, en, sid).update_action(mine.id, title="Move everyone to SSO")
    Workspace(store, en, sid).set_language("ja")
    assert store.session(sid).lang == "ja"
    rows = {r.check_id: r for r in store.matrix_rows(sid)}
    assert rows["s3.versioning"].incident == "データ喪失"
    titles = {a["action_def"]: a["title"] for a in store.actions(sid)}
    assert titles["enable-s3-versioning"] == ja.actions["enable-s3-versioning"].title
    assert titles["adopt-identity-center"] == "Move everyone to SSO", "a retitle is kept"
    shown = {a.action_def: a.title for a in decide.list_actions(store, en, sid)}
    assert shown["enable-s3-versioning"] == "Turn on S3 versioning", "read in English"
    assert store.activity(sid)[-1].kind == "language_changed"
