"""Pilot tests for Architecture: the tree (account → edge services, region → VPC → tiers →
subnets → resources, outside the VPCs), a resource's detail (attributes, findings,
Terraform, connections), jumping to failing resources, the Mermaid export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static, Tree

from onboard.models import Finding, Resource, Severity, Status
from onboard.screens.architecture import ArchitectureScreen
from tests.test_app_matrix import plain, seed_org, settle
from tests.test_app_support import asynctest, make_app

SIZE = (120, 40)
PROD = "111111111111"
R = "us-east-1"


def _res(type_: str, id_: str, region: str = R, **kw: Any) -> Resource:
    return Resource(type=type_, id=id_, account_id=PROD, region=region, **kw)


INVENTORY = [
    _res("ec2.vpc", "vpc-app", name="app", vpc_id="vpc-app", attrs={"cidr": "10.0.0.0/16"}),
    _res("ec2.internet_gateway", "igw-app", vpc_id="vpc-app", attrs={"vpc_ids": ["vpc-app"]}),
    _res("ec2.subnet", "subnet-pub", name="public-a", vpc_id="vpc-app", subnet_id="subnet-pub",
         attrs={"cidr": "10.0.0.0/24", "az": "us-east-1a"}),
    _res("ec2.subnet", "subnet-priv", name="private-a", vpc_id="vpc-app",
         subnet_id="subnet-priv", attrs={"cidr": "10.0.1.0/24", "az": "us-east-1a"}),
    _res("ec2.route_table", "rtb-pub", vpc_id="vpc-app", attrs={
        "associations": [{"subnet_id": "subnet-pub", "main": False}],
        "routes": [{"destination": "0.0.0.0/0", "gateway_id": "igw-app", "state": "active"}]}),
    _res("ec2.instance", "i-bastion", name="bastion", vpc_id="vpc-app", subnet_id="subnet-pub",
         attrs={"state": "running", "instance_type": "t3.micro", "public_ip": "203.0.113.9"}),
    _res("ec2.instance", "i-web", name="web", vpc_id="vpc-app", subnet_id="subnet-priv",
         attrs={"state": "running", "instance_type": "t3.small"}),
    _res("s3.bucket", "acme-assets", name="acme-assets", arn="arn:aws:s3:::acme-assets",
         attrs={"versioning": "Suspended"}),
    _res("cloudfront.distribution", "E1ABC", region="global", name="E1ABC",
         arn=f"arn:aws:cloudfront::{PROD}:distribution/E1ABC",
         attrs={"domain": "d111.cloudfront.net", "aliases": ["www.example.com"],
                "origins": [{"id": "s3", "domain": "acme-assets.s3.amazonaws.com",
                             "kind": "s3"}]}),
]
FINDINGS = [
    Finding(check_id="s3.versioning", status=Status.FAIL, severity=Severity.MEDIUM,
            account_id=PROD, region=R, resource_id="acme-assets",
            resource_arn="arn:aws:s3:::acme-assets", resource_type="s3.bucket",
            message="acme-assets: versioning is Suspended"),
    Finding(check_id="ec2.instance_profile", status=Status.FAIL, severity=Severity.LOW,
            account_id=PROD, region=R, resource_id="i-web", resource_type="ec2.instance",
            message="i-web has no IAM role"),
]


def _seed(store: Any, session_id: int) -> int:
    return seed_org(store, session_id, INVENTORY, FINDINGS)


async def open_architecture(pilot: Any) -> ArchitectureScreen:
    await pilot.press("5")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ArchitectureScreen)
    return screen


def _name(node: Any) -> str:
    """A node's label without the ● of failing resources."""
    return str(node.label).removeprefix("● ").strip()


def _nodes(screen: ArchitectureScreen) -> dict[str, Any]:
    tree = screen.query_one(Tree)
    return {_name(n): n for n in screen._walk(tree.root)}


def _node(screen: ArchitectureScreen, start: str) -> Any:
    return next(n for label, n in _nodes(screen).items() if label.startswith(start))


@asynctest
async def test_the_tree_has_accounts_vpcs_tiers_and_the_outside(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    _seed(store, app.session.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_architecture(pilot)
        labels = list(_nodes(screen))
        assert labels[0].startswith("Account 111111111111 · production")
        for wanted in ("global · edge services", "CloudFront E1ABC", "us-east-1",
                       "VPC vpc-app", "public subnets", "private subnets",
                       "subnet-pub · public-a", "EC2 bastion", "EC2 web",
                       "outside the VPCs", "S3 acme-assets"):
            assert any(label.startswith(wanted) for label in labels), wanted
        public = _node(screen, "public subnets")
        assert any(_name(n).startswith("EC2 bastion") for n in screen._walk(public))
        assert str(_node(screen, "S3 acme-assets").label).startswith("● ")
        assert not str(_node(screen, "EC2 bastion").label).startswith("● ")
        assert "● 1" in str(_node(screen, "outside the VPCs").label)
        summary = plain(screen.query_one("#arch-summary", Static))
        assert "Scan #1" in summary and "● 2 with failing findings" in summary


@asynctest
async def test_a_resource_shows_attributes_findings_terraform_and_edges(
        tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    _seed(store, app.session.id)
    store.replace_tf_resources(app.session.id, [{
        "address": "aws_s3_bucket.assets", "type": "aws_s3_bucket", "name": "assets",
        "module": "", "index_key": None, "resource_id": "acme-assets",
        "arn": "arn:aws:s3:::acme-assets", "source": "prod.tfstate"}])
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_architecture(pilot)
        tree = screen.query_one(Tree)
        tree.move_cursor(_node(screen, "S3 acme-assets"))
        await pilot.pause()
        detail = plain(screen.query_one("#arch-detail-text", Static))
        assert "versioning: Suspended" in detail
        assert "s3.versioning" in detail and "versioning is Suspended" in detail
        assert "managed as aws_s3_bucket.assets" in detail
        assert "← CloudFront E1ABC" in detail
        tree.move_cursor(_node(screen, "EC2 web"))
        await pilot.pause()
        detail = plain(screen.query_one("#arch-detail-text", Static))
        assert "not in the imported state" in detail and "i-web has no IAM role" in detail
        tree.move_cursor(_node(screen, "subnet-pub"))
        await pilot.pause()
        detail = plain(screen.query_one("#arch-detail-text", Static))
        assert "Routing" in detail and "10.0.0.0/24" in detail


@asynctest
async def test_n_jumps_to_the_next_failing_resource(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    _seed(store, app.session.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_architecture(pilot)
        tree = screen.query_one(Tree)
        seen = []
        for _ in range(3):
            await pilot.press("right_square_bracket")
            await settle(pilot, 0.05)
            seen.append(_name(tree.cursor_node).split("  ")[0].split(" ·")[0])
        assert seen[0] != seen[1] and seen[2] == seen[0]  # and round again
        assert set(seen) == {"EC2 web", "S3 acme-assets"}


@asynctest
async def test_export_writes_mermaid_and_ticks_the_task(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    monkeypatch.chdir(tmp_path)
    app, store = make_app(tmp_path)
    _seed(store, app.session.id)
    async with app.run_test(size=SIZE) as pilot:
        await open_architecture(pilot)
        await pilot.press("x")
        await settle(pilot)
        text = (tmp_path / "onboard-architecture-acme.md").read_text()
        assert "```mermaid\nflowchart LR" in text and "acme_assets" in text
        assert store.last_activity(app.session.id, "diagram_exported") is not None


@asynctest
async def test_resumes_on_the_selected_resource(tmp_path: Path) -> None:
    db = tmp_path / "resume.db"
    app, store = make_app(tmp_path, db=db)
    _seed(store, app.session.id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_architecture(pilot)
        screen.query_one(Tree).move_cursor(_node(screen, "EC2 web"))
        await settle(pilot)
        await pilot.press("q")
    store.close()

    app2, _ = make_app(tmp_path, db=db)
    async with app2.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app2.screen
        assert isinstance(screen, ArchitectureScreen)
        node = screen.query_one(Tree).cursor_node
        assert node is not None and _name(node).startswith("EC2 web")


@asynctest
async def test_before_the_first_scan(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_architecture(pilot)
        assert "No scan yet" in plain(screen.query_one("#arch-summary", Static))
        await pilot.press("x")
        await settle(pilot)
        assert any("No scan yet" in n.message for n in app._notifications)
