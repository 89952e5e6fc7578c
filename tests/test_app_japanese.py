"""The TUI in Japanese on the demo org: every screen speaks it, nothing English is left but
names from AWS and product names, and the palette switches a session's language."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from onboard import catalog, cli, i18n
from onboard.app import OnboardApp
from onboard.scan import ScanOptions
from onboard.screens import SCREENS
from onboard.sso_kit.load import load_plan
from onboard.store import Store
from tests.test_app_support import asynctest

# Words that stay as they are in Japanese: products, services, protocols, formats, keys, and
# the commands and terms that Japanese documentation writes in English too.
KEEP = set(str.split("""
AWS IAM MFA SSO Identity Center Organizations Organization CloudTrail Config CloudFront ALB ELB
VPC EC2 RDS S3 Security Hub GuardDuty Access Analyzer Inspector Terraform tfstate state Markdown
JSON CSV CLI SSH SCP STRIDE OODA Observe Orient Decide Act Lambda WAF ElastiCache API ARN KMS
Google Workspace Okta Entra Prowler ScoutSuite Block Public ctrl shift enter Enter esc tab
space del PASS FAIL ERROR SKIPPED SecurityAudit ViewOnlyAccess root NAT ENI Route Amazon
Elastic DynamoDB CodeBuild CodePipeline CodeCommit Systems Manager Session SSM ssm AMI IaC
onboard demo scan export policy profile Mermaid mermaid http https ASCII sts aws
get-caller-identity start-session NAME AmazonSSMManagedInstanceCore Linux Ubuntu
"""))


def _allowed(word: str, allowed: set[str]) -> bool:
    """A product or data word, a STRIDE letter run, or a name cut at the column's edge."""
    bare = word.strip("'-")
    if word in allowed or bare in allowed or set(bare) <= set("STRIDE"):
        return True
    return len(bare) >= 3 and any(a.startswith(bare) for a in allowed if len(a) > len(bare))


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    i18n.start("en")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo org scanned once, in a session started in Japanese."""
    path = tmp_path_factory.mktemp("ja") / "demo.db"
    assert cli.main(["demo", "--headless", "--lang", "ja", "--db", str(path)]) in (0, 1)
    i18n.start("en")
    return path


def _data_words(store: Store, session_id: int) -> set[str]:
    """Every word that comes from AWS or the demo's people: names are shown as they are."""
    words: set[str] = set()
    scan = store.latest_scan(session_id)
    texts: list[str] = [a.name + " " + a.email + " " + a.account_id
                        for a in store.accounts(session_id)]
    if scan:
        texts += [f"{f.resource_id} {f.resource_arn or ''} {f.region} {f.check_id} {f.message}"
                  for f in store.findings(scan.id)]
        texts += [f"{r.id} {r.name if hasattr(r, 'name') else ''} {r.attrs}"
                  for r in store.resources(scan.id)]
    texts += [s.name + " " + s.person for s in store.sessions()]
    if scan:  # the scanning identity, and the names the Identity Center plan gives
        texts.append(" ".join(str(v) for v in scan.identity.values()))
        plan = load_plan(store, session_id)
        texts += [f"{g.name} {g.key}" for g in plan.groups]
        texts += [f"{p.name} {p.key}" for p in plan.permission_sets]
    ids = catalog.shipped()
    texts += [*ids.checks, *ids.actions, *ids.tasks, *(p.id for p in ids.prompts)]
    for text in texts:
        words.update(re.findall(r"[A-Za-z][A-Za-z'-]+", str(text)))
    return words


def _screen_text(app: OnboardApp) -> str:
    svg = app.export_screenshot()
    parts = re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S)
    return html.unescape(" ".join(parts)).replace("\xa0", " ")


def english_words(text: str, allowed: set[str]) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z][A-Za-z'-]{2,}", text) if not _allowed(w, allowed)]


def _app(db: Path) -> tuple[OnboardApp, Store]:
    store = Store.open(db)
    session = store.session_by_name("demo")
    assert session is not None and session.lang == "ja"
    i18n.start(None, {})
    i18n.adopt(session.lang)
    app = OnboardApp(store, catalog.shipped("ja"), session,
                     ScanOptions(regions=["us-east-1"]), demo=True)
    return app, store


async def _settle(pilot: Any) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.2)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
@asynctest
async def test_every_screen_speaks_japanese(demo_db: Path, size: tuple[int, int]) -> None:
    app, store = _app(demo_db)
    allowed = KEEP | _data_words(store, app.session.id)
    left: dict[str, list[str]] = {}
    async with app.run_test(size=size) as pilot:
        for spec in SCREENS:
            await pilot.press(spec.key)
            await _settle(pilot)
            text = _screen_text(app)
            assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text), spec.id
            found = english_words(text, allowed)
            if found:
                left[spec.id] = sorted(set(found))
    assert not left, f"English left on screen: {left}"


@asynctest
async def test_the_palette_switches_the_sessions_language(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "x.db")
    session = store.create_session("s", lang="en")
    i18n.start(None, {})
    app = OnboardApp(store, catalog.shipped("en"), session, ScanOptions(regions=["us-east-1"]))
    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(pilot)
        app.action_set_language("ja")
        await pilot.pause(0.2)
    assert app.relaunch is not None and app.relaunch.lang == "ja"
    assert store.session(session.id).lang == "ja"
    assert store.activity(session.id)[-1].kind == "language_changed"
