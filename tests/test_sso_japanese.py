"""The Identity Center kit in Japanese: the plan, the cut-over runbook and the comments of the
files it writes are Japanese prose, while every command and every line of code is exactly the
English one."""

from __future__ import annotations

import configparser
import re
import subprocess
from pathlib import Path

import hcl2
import pytest

from onboard import i18n
from onboard.sso_kit import emit_commands, emit_cutover, emit_profiles, emit_terraform
from onboard.sso_kit.plan import Edit, build, said
from onboard.sso_kit.render import header, to_markdown
from tests.sso_fixtures import PROD, accounts, acme, inventory, key, sso_region, user

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
# Comment lines that hold no prose (names, ids), the same in every language
NOT_PROSE = (re.compile(r"^# ={5} .* ={5}$"), re.compile(r"^#$"),
             re.compile(r"^# \d{12}( \(.*\))?$"), re.compile(r"^# [^ ]+ × [^ ]+ × .+$"))
LABEL = re.compile(r"^[^ ]+ × [^ ]+ × .+$")  # group × permission set × account
CASES = {
    "directory": ({}, []),
    "okta": ({"identity-provider": {"answer": "Okta, run by IT"}}, []),
    "google": ({"sign-in": {"answer": "we log in with our google accounts"}},
               [Edit("break-glass", f"{PROD}/dave", ""), Edit("rename-group", "nope", "x")]),
}


def _outputs(case: str, lang: str) -> dict[str, str]:
    """Every text the kit writes for one plan, built and rendered in one language."""
    answers, edits = CASES[case]
    inv = inventory([*acme(), sso_region(),
                     user(PROD, "erin", keys=[key("AKIAERIN", service="s3")])])
    with i18n.speaking(lang):
        plan = build(inv, accounts(), answers, edits)
        out = {"plan.md": to_markdown(plan), "header": "\n".join(header(plan)),
               "cutover.sh": emit_cutover.render(plan, inv, plan.people),
               "commands.sh": emit_commands.render(plan),
               "profiles": emit_profiles.render(plan),
               "profiles-alice": emit_profiles.render(plan, plan.person("alice")),
               "warnings": "\n".join(plan.warnings + [e.reason for e in plan.excluded])}
        out.update(emit_terraform.render(plan))
    return out


def _uncommented(tree: object) -> object:
    """A parsed HCL tree without the comments python-hcl2 keeps."""
    if isinstance(tree, dict):
        return {k: _uncommented(v) for k, v in tree.items() if k != "__comments__"}
    if isinstance(tree, list):
        return [_uncommented(v) for v in tree]
    return tree


ECHO = re.compile(r"^(\s*echo )(.+)( >&2)$")


def code_lines(text: str) -> list[str]:
    """The lines that run (comments cut off, the message of an `echo` left out) and the
    commands written as comments for a person to run by hand (`# aws …`), without their
    trailing comments."""
    out = []
    for line in text.splitlines():
        body = line.lstrip()
        if body.startswith("#!"):
            out.append(line)
        elif body.startswith("#"):
            command = body.lstrip("# ")
            if command.startswith(("aws ", "terraform ")):
                out.append(command.split("  #", 1)[0].rstrip())
        elif ECHO.match(line):
            out.append(ECHO.sub(r"\1…\3", line))
        elif line.strip():
            out.append(line.split("  #", 1)[0].rstrip())
    return out


def trailing_comments(text: str) -> list[str]:
    """The comments after code or after a commented command (`…  # must show 1111…`)."""
    out = []
    for line in text.splitlines():
        is_code = not line.lstrip().startswith("#")
        if "  #" in line and (is_code or line.lstrip("# ").startswith("aws ")):
            out.append(line.split("  #", 1)[1].strip())
    return out


def prose_lines(text: str) -> list[str]:
    """The comment lines that are not commands."""
    return [line for line in text.splitlines() if line.lstrip().startswith("#")
            and not line.startswith("#!") and line not in code_lines(line)
            and not line.lstrip("# ").startswith(("aws ", "terraform "))]


@pytest.mark.parametrize("case", sorted(CASES))
def test_japanese_files_run_the_same_code_as_the_english(case: str, tmp_path: Path) -> None:
    en, ja = _outputs(case, "en"), _outputs(case, "ja")
    assert en.keys() == ja.keys()
    for name in ("cutover.sh", "commands.sh", "profiles", "profiles-alice", "providers.tf",
                 "identity_center.tf", "permission_sets.tf", "groups.tf", "assignments.tf"):
        assert code_lines(ja[name]), name
        assert code_lines(ja[name]) == code_lines(en[name]), name
        # Trailing comments after code (`…  # must show 1111…`) are prose too
        translated = [line for line in prose_lines(ja[name]) if line not in en[name]]
        untranslated = [line for line in prose_lines(ja[name]) if line in en[name].splitlines()
                        and not any(p.match(line.strip()) for p in NOT_PROSE)]
        assert not untranslated, (name, untranslated)
        assert all(JAPANESE.search(line) for line in translated), name
        for comment in trailing_comments(ja[name]):
            assert JAPANESE.search(comment) or LABEL.match(comment), (name, comment)
    for name in ("cutover.sh", "commands.sh"):
        script = tmp_path / f"{case}-{name}"
        script.write_text(ja[name], encoding="utf-8")
        assert subprocess.run(["bash", "-n", str(script)]).returncode == 0, name
    for name in ("providers.tf", "identity_center.tf", "permission_sets.tf", "groups.tf",
                 "assignments.tf"):
        assert _uncommented(hcl2.loads(ja[name])) == _uncommented(hcl2.loads(en[name])), name
    for name in ("profiles", "profiles-alice"):
        parsed = {}
        for lang, text in (("en", en[name]), ("ja", ja[name])):
            parser = configparser.ConfigParser()
            parser.read_string(text)
            parsed[lang] = {s: dict(parser[s]) for s in parser.sections()}
        assert parsed["ja"] == parsed["en"]


def test_the_runbook_speaks_japanese_around_the_same_commands() -> None:
    en, ja = _outputs("google", "en")["cutover.sh"], _outputs("google", "ja")["cutover.sh"]
    assert "IAM Identity Center（旧 AWS SSO）への切り替え手順書" in ja
    assert "# チェックリスト:" in ja
    assert "コンソールパスワードを削除済み" in ja
    assert "Google Workspace が数時間 403 エラーを返すことがあります" in ja
    assert "# aws iam delete-login-profile --profile onboard-222222222222 --user-name bob" in ja
    assert ("aws iam get-access-key-last-used --profile onboard-222222222222 --access-key-id "
            "AKIAERIN --query AccessKeyLastUsed --output text   # "
            "スキャン時点で使用履歴なし（s3）") in ja
    assert "Checklist" not in ja and "Checklist" in en
    echoes = [ECHO.match(line) for line in ja.splitlines() if ECHO.match(line)]
    assert len(echoes) == len([line for line in en.splitlines() if ECHO.match(line)]) > 1
    assert all(JAPANESE.search(m.group(2)) for m in echoes)


def test_the_japanese_runbook_stops_in_japanese_on_the_wrong_account(tmp_path: Path) -> None:
    """Run the script with an `aws` that answers another account: the pin stops it, with the
    message in Japanese and the shell variables expanded."""
    inv = inventory([*acme(), sso_region()])
    with i18n.speaking("ja"):
        plan = build(inv, accounts(), {}, [])
        script = emit_cutover.render(plan, inv, [plan.person("alice")])
    stub = tmp_path / "bin" / "aws"
    stub.parent.mkdir()
    stub.write_text("#!/bin/sh\necho 999999999999\n")
    stub.chmod(0o755)
    path = tmp_path / "cutover.sh"
    path.write_text(script, encoding="utf-8")
    run = subprocess.run(["bash", str(path)], capture_output=True, text=True,
                         env={"PATH": f"{stub.parent}:/usr/bin:/bin"})
    assert run.returncode == 1
    assert run.stderr.strip() == ("プロファイル onboard-111111111111 はアカウント 999999999999 "
                                  "のもので、111111111111 ではありません: 停止します")


def test_the_plan_in_japanese_is_valid_markdown_with_the_same_rows() -> None:
    en, ja = _outputs("google", "en"), _outputs("google", "ja")
    en_md, ja_md = en["plan.md"].splitlines(), ja["plan.md"].splitlines()
    assert len(en_md) == len(ja_md)
    headings = [line for line in ja_md if line.startswith("#")]
    assert headings[0] == "# IAM Identity Center（旧 AWS SSO）移行計画"
    assert "## 許可セット" in headings and "## 割り当て" in headings
    assert all(JAPANESE.search(h) for h in headings)
    for i, line in enumerate(ja_md):
        if line.startswith("|---"):
            head = ja_md[i - 1]
            assert JAPANESE.search(head), head
            assert head.count("|") == line.count("|") == en_md[i - 1].count("|")
        if line.startswith("| ") and not ja_md[i + 1].startswith("|---"):
            # a row: the names in its first cell as in English, the cell count too
            assert line.split(" | ")[0] == en_md[i].split(" | ")[0]
            assert line.count(" | ") >= en_md[i].count(" | ")
    assert "| admins | alice | 現在 Acme Management, Acme Production で AdministratorAccess " \
           "を持つ人 |" in ja_md
    assert "アイデンティティソース: Google Workspace" in ja["header"]
    assert "緊急用 (break-glass) アカウント" in ja["warnings"]
    assert "保存された編集 rename-group nope → 'x' はこのスキャンのどれにも該当しない" in \
        ja["warnings"]


def test_what_aws_stores_stays_english() -> None:
    """Descriptions are values of AWS resources (a permission set's admits Latin-1 only):
    the same in every language, so switching languages never changes the infrastructure."""
    en, ja = _outputs("directory", "en"), _outputs("directory", "ja")
    assert 'description      = "Today\'s IAM access: AWS managed AdministratorAccess"' in \
        ja["permission_sets.tf"]
    assert ('description       = "People who hold AdministratorAccess in Acme Management, '
            'Acme Production today"') in ja["groups.tf"]
    assert ja["permission_sets.tf"].count("description") == \
        en["permission_sets.tf"].count("description")


def test_every_kit_string_has_its_japanese() -> None:
    missing = [m.where for m in i18n.missing("ja") if m.where.startswith("onboard/sso_kit/")]
    assert missing == []


def test_a_translated_message_cannot_break_out_of_its_echo() -> None:
    hostile = 'a "quote" $(touch pwned) `x` \\ $HOME {profile}\nnext'
    word = said(hostile, profile="$1")
    run = subprocess.run(["bash", "-c", f"echo {word}", "-", "onboard-1"],
                         capture_output=True, text=True)
    assert run.stdout == 'a "quote" $(touch pwned) `x` \\ $HOME onboard-1 next\n'
