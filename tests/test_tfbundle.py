"""Terraform bundles: valid HCL (python-hcl2), unique addresses, a provider alias on every
block that providers.tf declares, every type and argument known to hashicorp/aws (offline
schema fixture), nothing created also looked up, managed resources referenced by address."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import hcl2
import pytest

from onboard.cli import main
from onboard.fixes import gather
from onboard.tfbundle import bundle
from tests.fixstore import MANAGED_BUCKET, MGMT, PROD, STATE_FILE, build

SCHEMA = json.loads((Path(__file__).parent / "fixtures" / "aws_provider_schema.json")
                    .read_text(encoding="utf-8"))
META = {"provider", "depends_on", "count", "for_each", "lifecycle", "__is_block__",
        "__comments__", "__inline_comments__"}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    store, session_id, catalog = build(tmp_path_factory.mktemp("tf") / "tf.db")
    try:
        return bundle(gather(store, catalog, session_id, ["all"]))
    finally:
        store.close()


def _unquote(key: str) -> str:
    return key.strip('"')


def _blocks(files: dict[str, str]) -> list[tuple[str, str, str, str, dict[str, Any]]]:
    """(file, kind, type, name, body) for every resource and data block."""
    out = []
    for name, text in files.items():
        parsed = hcl2.loads(text)
        for kind in ("resource", "data"):
            for item in parsed.get(kind, []):
                for btype, named in item.items():
                    for bname, body in named.items():
                        out.append((name, kind, _unquote(btype), _unquote(bname), body))
    return out


def _check_args(where: str, body: dict[str, Any], schema: dict[str, Any] | None,
                problems: list[str]) -> None:
    if schema is None:
        return
    for key, value in body.items():
        if key in META:
            continue
        if key not in schema:
            problems.append(f"{where}: unknown argument {key!r}")
            continue
        nested = schema[key]
        if isinstance(nested, dict):
            for sub in value if isinstance(value, list) else [value]:
                if isinstance(sub, dict):
                    _check_args(f"{where}.{key}", sub, nested, problems)


def test_every_file_parses_and_every_type_and_argument_exists(files) -> None:
    assert "providers.tf" in files and len(files) > 10
    problems: list[str] = []
    blocks = _blocks(files)
    assert len(blocks) > 30
    for file, kind, btype, bname, body in blocks:
        known = SCHEMA["resource" if kind == "resource" else "data"]
        if btype not in known:
            problems.append(f"{file}: {kind} type {btype} not in hashicorp/aws")
            continue
        _check_args(f"{file}: {btype}.{bname}", body, known[btype], problems)
    providers = hcl2.loads(files["providers.tf"])["provider"]
    for p in providers:
        for key in p['"aws"' if '"aws"' in p else "aws"]:
            assert key in SCHEMA["provider"] or key in META, key
    assert problems == []


def test_addresses_are_unique_and_nothing_created_is_looked_up(files) -> None:
    blocks = _blocks(files)
    addresses = [(kind, btype, bname) for _, kind, btype, bname, _ in blocks]
    assert len(addresses) == len(set(addresses))
    created = {(btype, bname) for kind, btype, bname in addresses if kind == "resource"}
    looked_up = {(btype, bname) for kind, btype, bname in addresses if kind == "data"}
    assert not created & looked_up
    # the permission set the adopt-identity-center action creates is referenced, not read
    text = "\n".join(files.values())
    assert 'resource "aws_ssoadmin_permission_set" "developer"' in text
    assert text.count('resource "aws_ssoadmin_permission_set"') == 1
    assert "data.aws_ssoadmin_permission_set" not in text


def test_every_block_has_a_declared_provider_of_its_account(files) -> None:
    providers = hcl2.loads(files["providers.tf"])["provider"]
    aliases = {}
    for p in providers:
        body = p.get('"aws"') or p["aws"]
        aliases[_unquote(body["alias"])] = (_unquote(body["region"]),
                                            body["allowed_account_ids"])
    for file, _kind, btype, bname, body in _blocks(files):
        ref = body.get("provider", "")
        m = re.fullmatch(r"\$\{aws\.(\w+)\}", ref)
        assert m and m.group(1) in aliases, f"{file}: {btype}.{bname} provider {ref!r}"
    regions = {r for r, _ in aliases.values()}
    assert regions == {"eu-west-1", "us-east-1"}
    # regional services get one block per region, each with its region's provider
    recorders = [b for b in _blocks(files) if b[2] == "aws_config_configuration_recorder"]
    assert len({b[4]["provider"] for b in recorders}) == len(recorders) == 4
    # organization-wide blocks (SCP, Identity Center) live in the management account
    for _, _, btype, _, body in _blocks(files):
        if btype.startswith(("aws_organizations_", "aws_ssoadmin_")):
            assert MGMT in body["provider"]


def test_managed_resources_get_new_blocks_that_reference_them(files) -> None:
    text = files["s3_versioning.tf"]
    assert "bucket = aws_s3_bucket.exports.id" in text
    assert f"state file {STATE_FILE}" in text
    assert f'bucket = "acme-{MGMT}-data"' in text  # not managed: the bucket's name
    assert MANAGED_BUCKET not in text.split("bucket = aws_s3_bucket.exports.id")[0].split(
        "resource")[-1]


def test_cloudtrail_source_arn_follows_the_provider_region(files) -> None:
    text = files["cloudtrail_enabled.tf"]
    assert "arn:aws:cloudtrail:${data.aws_region.current" in text
    assert "arn:aws:cloudtrail:us-east-1" not in text


def test_scp_exempts_assume_root_and_is_attached(files) -> None:
    text = files["action_secure-root-user.tf"]
    assert '"aws:AssumedRoot" = "true"' in text and "Null" in text
    assert 'resource "aws_organizations_policy_attachment"' in text


def test_cli_writes_the_directory(tmp_path: Path, capsys) -> None:
    store, _, _ = build(tmp_path / "cli.db")
    store.close()
    out = tmp_path / "bundle"
    assert main(["--db", str(tmp_path / "cli.db"), "actions", "terraform", "harden-rds",
                 "enable-s3-versioning", "--account", PROD, "-o", str(out)]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert "providers.tf" in names and "s3_versioning.tf" in names
    assert MGMT not in (out / "providers.tf").read_text()
    assert main(["--db", str(tmp_path / "cli.db"), "actions", "terraform", "harden-rds"]) == 2
    assert "needs -o DIR" in capsys.readouterr().err
