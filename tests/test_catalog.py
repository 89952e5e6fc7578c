"""The checklists: every DESIGN.md check id is there, with an evaluator; bad files fail well."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from onboard import catalog
from onboard.catalog import CatalogError
from onboard.checks import all_checks

DESIGN_IDS = [
    "iam.root_mfa", "iam.root_access_keys", "iam.human_users", "iam.user_mfa",
    "iam.user_access_keys", "iam.workload_users", "ec2.instance_profile", "sso.enabled",
    "cloudtrail.enabled", "config.enabled", "vpc.flow_logs", "elb.access_logs",
    "cloudfront.logging", "s3.account_public_access_block", "s3.bucket_public_access_block",
    "s3.bucket_public", "s3.versioning", "rds.backup_retention", "rds.deletion_protection",
    "rds.public", "network.public_subnet_resources", "ec2.ssh_open", "ec2.sg_open_ports",
    "securityhub.enabled", "guardduty.enabled", "accessanalyzer.enabled", "inspector.enabled",
]


@pytest.fixture(scope="module")
def shipped() -> catalog.Catalog:
    return catalog.load()


def test_every_design_check_has_a_catalog_entry(shipped: catalog.Catalog) -> None:
    assert set(DESIGN_IDS) <= set(shipped.checks)


def test_catalog_and_evaluators_match_exactly(shipped: catalog.Catalog) -> None:
    evaluators = set(all_checks())
    assert set(shipped.checks) - evaluators == set(), "YAML ids without an evaluator"
    assert evaluators - set(shipped.checks) == set(), "evaluators without a YAML entry"


def test_every_check_is_answered_by_an_action(shipped: catalog.Catalog) -> None:
    answered = {c for a in shipped.actions.values() for c in a.answers}
    assert set(shipped.checks) <= answered
    for check in shipped.checks.values():
        assert check.action and check.id in shipped.actions[check.action].answers


def test_the_talks_four_decisions_exist(shipped: catalog.Catalog) -> None:
    a = shipped.actions
    assert {"iam.human_users", "iam.user_access_keys"} <= set(a["adopt-identity-center"].answers)
    assert {"iam.workload_users", "ec2.instance_profile"} <= set(a["use-instance-roles"].answers)
    assert "s3.bucket_public_access_block" in a["enable-s3-block-public-access"].answers
    assert "s3.versioning" in a["enable-s3-versioning"].answers


def test_remediation_templates_render(shipped: catalog.Catalog) -> None:
    from onboard.remediation import PLACEHOLDERS

    values = {k: "x" for k in PLACEHOLDERS}
    for item in [*shipped.checks.values(), *shipped.actions.values()]:
        for text in (item.remediation.cli, item.remediation.terraform,
                     item.remediation.cli_setup):
            text.format(**values)


def test_week_plan_covers_the_ooda_days(shipped: catalog.Catalog) -> None:
    phases = [d.phase.value for d in shipped.days]
    assert phases[:4] == ["observe", "observe", "orient", "decide"] or \
        phases[:4] == ["observe", "observe", "orient", "act"]
    assert len(shipped.prompts) >= 12
    for p in shipped.prompts:
        assert p.plain_wording != p.aws_wording


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "checklists"
    shutil.copytree(catalog.default_dir(), target)
    return target


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    (d / "week.yaml").write_text("days:\n  - day: 1\n    title: [unclosed\n")
    with pytest.raises(CatalogError) as info:
        catalog.load(d)
    msg = str(info.value)
    assert "week.yaml" in msg and "line" in msg and "\n" not in msg


def test_bad_field_names_the_path_and_expectation(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    text = (d / "checks.yaml").read_text()
    (d / "checks.yaml").write_text(text.replace("vulnerability: ", "vulnerability: 9 #", 1))
    with pytest.raises(CatalogError) as info:
        catalog.load(d)
    msg = str(info.value)
    assert "checks.yaml" in msg and "checks.0.vulnerability" in msg and "less than or equal" in msg


def test_missing_section_and_unknown_action(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    (d / "interview.yaml").write_text("questions: []\n")
    with pytest.raises(CatalogError, match=r"interview\.yaml: expected a mapping with a "
                                           r"top-level 'prompts:' list"):
        catalog.load(d)
    d = _copy(tmp_path / "2")
    text = (d / "checks.yaml").read_text()
    (d / "checks.yaml").write_text(text.replace("action: adopt-identity-center",
                                                "action: no-such-action", 1))
    with pytest.raises(CatalogError, match="unknown action 'no-such-action'"):
        catalog.load(d)


def test_env_var_and_flag_choose_the_folder(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    d = _copy(tmp_path)
    monkeypatch.setenv("ONBOARD_CHECKLISTS", str(d))
    assert catalog.resolve_dir() == d
    assert catalog.resolve_dir(tmp_path / "other") == tmp_path / "other"
    with pytest.raises(CatalogError, match="checklists folder not found"):
        catalog.load(tmp_path / "other")
