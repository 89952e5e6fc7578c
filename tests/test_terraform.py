"""Terraform state import: parsing (state v4, `terraform show -json`, modules, count,
for_each), refusing what is not a state, matching the inventory, and `onboard tf import`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest

from onboard import catalog as catalog_mod
from onboard import terraform
from onboard.aws.collect import all_collectors
from onboard.aws.collect.base import Context
from onboard.cli import main
from onboard.models import Resource
from onboard.store import Store
from onboard.workspace import Workspace

FIXTURES = Path(__file__).parent / "fixtures" / "tf"
PROD = "111111111111"
ACCOUNT = "123456789012"  # moto's


def by_address(resources: list[terraform.TfResource]) -> dict[str, terraform.TfResource]:
    return {r.address: r for r in resources}


# --- parsing ------------------------------------------------------------------------------


def test_state_v4_modules_count_for_each() -> None:
    found = by_address(terraform.read(FIXTURES / "state_v4.json"))
    assert sorted(found) == [
        "aws_cloudfront_distribution.site",
        "aws_iam_user.deploy",
        "aws_route53_record.www",
        'aws_s3_bucket.this["assets"]',
        'aws_s3_bucket.this["logs"]',
        'aws_s3_bucket_versioning.this["assets"]',
        "module.app.aws_instance.web[0]",
        "module.app.aws_instance.web[1]",
        "module.app.aws_lb.web",
        "module.app.aws_security_group.web",
        "module.app.module.db.aws_db_instance.this",
        "module.network.aws_subnet.private[0]",
        "module.network.aws_subnet.private[1]",
        "module.network.aws_vpc.main",
    ]  # no data source, no random_id, no deposed instance
    logs = found['aws_s3_bucket.this["logs"]']
    assert (logs.type, logs.name, logs.module, logs.index_key, logs.resource_id, logs.arn) == (
        "aws_s3_bucket", "this", "", "logs", "acme-prod-logs", "arn:aws:s3:::acme-prod-logs")
    web1 = found["module.app.aws_instance.web[1]"]
    assert (web1.module, web1.index_key, web1.resource_id) == (
        "module.app", "1", "i-0123456789abcdef1")
    db = found["module.app.module.db.aws_db_instance.this"]
    assert db.module == "module.app.module.db"
    assert db.resource_id == "app-db"  # the identifier, not the db-… resource id in `id`
    lb = found["module.app.aws_lb.web"]
    assert lb.resource_id == "web" and lb.arn and lb.arn.endswith("/app/web/50dc6c495c0c9188")
    assert found["aws_route53_record.www"].resource_id == \
        "Z0123456789ABCDEFGHIJ:www.example.com:A"
    assert found["aws_iam_user.deploy"].resource_id == "deploy"
    assert found["aws_cloudfront_distribution.site"].resource_id == "E2QWRUHAPOMQZL"
    assert all(r.source == str((FIXTURES / "state_v4.json").resolve()) for r in found.values())
    assert set(logs.row()) == {"address", "type", "name", "module", "index_key",
                               "resource_id", "arn", "source"}


def test_show_json_nested_child_modules() -> None:
    found = by_address(terraform.read(FIXTURES / "show.json"))
    assert sorted(found) == [
        "aws_s3_bucket.assets",
        "module.db.aws_db_instance.this",
        'module.queues.aws_sqs_queue.jobs["emails"]',
        "module.queues.module.dlq[0].aws_sqs_queue.dead[0]",
    ]
    dead = found["module.queues.module.dlq[0].aws_sqs_queue.dead[0]"]
    assert (dead.module, dead.name, dead.index_key) == ("module.queues.module.dlq[0]", "dead",
                                                        "0")
    jobs = found['module.queues.aws_sqs_queue.jobs["emails"]']
    assert jobs.index_key == "emails" and jobs.arn == "arn:aws:sqs:eu-west-1:222222222222:emails"
    assert found["module.db.aws_db_instance.this"].resource_id == "staging-db"


def test_state_pull_output_is_a_state(tmp_path: Path) -> None:
    # `terraform state pull` prints the same v4 document (sometimes with a BOM via PowerShell)
    data = (FIXTURES / "state_v4.json").read_bytes()
    pulled = tmp_path / "pulled.json"
    pulled.write_bytes(b"\xef\xbb\xbf" + data)
    assert len(terraform.read(pulled)) == 14


def test_addresses_built_like_terraform() -> None:
    state = {"version": 4, "resources": [
        {"mode": "managed", "type": "aws_s3_bucket", "name": "b", "module": 'module.x["a b"]',
         "instances": [{"index_key": 'k"q', "attributes": {"bucket": "n"}}]},
        {"mode": "managed", "type": "aws_vpc", "name": "v", "instances": [{"attributes": {}}]}]}
    found = terraform.parse(state, "mem")
    assert [r.address for r in found] == ['module.x["a b"].aws_s3_bucket.b["k\\"q"]',
                                          "aws_vpc.v"]
    assert found[1].resource_id is None and found[1].arn is None


@pytest.mark.parametrize(("name", "content", "message"), [
    ("state_v3.json", None, "state format version 3 is not supported (Terraform before 0.12)"),
    ("plan.json", None, "a plan (`terraform show -json PLANFILE`), not a state"),
    ("no_resources.json", None, 'the state has no "resources" list'),
    ("garbage.tfstate", b"resource \"aws_s3_bucket\" \"x\" {}", "not JSON"),
    ("plan.tfplan", b"PK\x03\x04binary-zip", "a binary Terraform plan file"),
    ("latin1.tfstate", b"\xff\xfe\x00junk", "not UTF-8 text"),
    ("list.json", b"[1, 2]", "the JSON is not an object"),
    ("other.json", b'{"hello": "world"}', "neither a Terraform state"),
    ("v5.json", b'{"version": 5, "resources": []}', "state format version 5 is not supported"),
    ("bad_item.json", b'{"version": 4, "resources": [{"type": "aws_vpc"}]}',
     "resource #1 has no type or name"),
    ("empty_show.json", b'{"format_version": "1.0"}', "the state is empty"),
])
def test_unsupported_files_are_one_line_errors(tmp_path: Path, name: str,
                                               content: bytes | None, message: str) -> None:
    path = FIXTURES / name
    if content is not None:
        path = tmp_path / name
        path.write_bytes(content)
    with pytest.raises(terraform.TerraformError) as err:
        terraform.read(path)
    text = str(err.value)
    assert "\n" not in text and message in text and text.startswith(name)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(terraform.TerraformError, match="no such file"):
        terraform.read(tmp_path / "nope.tfstate")
    with pytest.raises(terraform.TerraformError, match="a directory"):
        terraform.read(tmp_path)


def test_empty_resources_list_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "empty.tfstate"
    path.write_text('{"version": 4, "serial": 1, "resources": []}')
    assert terraform.read(path) == []


# --- matching -----------------------------------------------------------------------------


def res(type_: str, id_: str, account: str = PROD, arn: str | None = None, **attrs: Any
        ) -> Resource:
    return Resource(type=type_, id=id_, account_id=account, region="us-east-1", arn=arn,
                    attrs=attrs)


def index_from(path: Path) -> terraform.ManagedIndex:
    return terraform.ManagedIndex([r.row() for r in terraform.read(path)])


def test_match_by_arn_id_and_db_identifier() -> None:
    index = index_from(FIXTURES / "state_v4.json")
    inventory = [
        res("s3.bucket", "acme-prod-assets", arn="arn:aws:s3:::acme-prod-assets"),
        res("s3.bucket", "acme-prod-logs"),  # no ARN in the inventory: by type + id
        res("s3.bucket", "hand-made-bucket", arn="arn:aws:s3:::hand-made-bucket"),
        res("rds.db_instance", "app-db", arn="arn:aws:rds:us-east-1:111111111111:db:app-db"),
        res("rds.db_instance", "app-db", account="999999999999"),  # same name elsewhere
        res("elb.load_balancer", "web"),
        res("ec2.instance", "i-0123456789abcdef0", state="running"),
        res("ec2.instance", "i-0handmade", state="running"),
        res("ec2.instance", "i-0gone", state="terminated"),
        res("ec2.instance", "i-0asg", state="running",
            tags={"aws:autoscaling:groupName": "workers"}),
        res("ec2.vpc", "vpc-0a1b2c3d4e5f60718"),
        res("ec2.vpc", "vpc-default", is_default=True),
        res("ec2.subnet", "subnet-default-a", default_for_az=True),
        res("ec2.security_group", "sg-default", is_default=True),
        res("ec2.route_table", "rtb-main", associations=[{"main": True, "subnet_id": None}]),
        res("ec2.route_table", "rtb-public", associations=[{"main": False,
                                                            "subnet_id": "subnet-1"}]),
        res("s3.bucket", "cfn-bucket", tags={"aws:cloudformation:stack-name": "legacy"}),
        res("iam.user", "deploy", arn="arn:aws:iam::111111111111:user/deploy"),
        res("iam.user", "alice", arn="arn:aws:iam::111111111111:user/alice"),
        res("iam.account", PROD),  # not something Terraform creates
        res("ec2.network_interface", "eni-1"),
        res("route53.record", "Z0123456789ABCDEFGHIJ:www.example.com:A"),
    ]
    m = terraform.match(index, inventory, scan_id=3)
    managed = {(r.type, r.id, r.account_id) for _, r in m.matched}
    assert managed == {
        ("s3.bucket", "acme-prod-assets", PROD), ("s3.bucket", "acme-prod-logs", PROD),
        ("rds.db_instance", "app-db", PROD), ("elb.load_balancer", "web", PROD),
        ("ec2.instance", "i-0123456789abcdef0", PROD), ("ec2.vpc", "vpc-0a1b2c3d4e5f60718", PROD),
        ("iam.user", "deploy", PROD),
        ("route53.record", "Z0123456789ABCDEFGHIJ:www.example.com:A", PROD)}
    assert {a: sorted(r.id for r in rs) for a, rs in m.unmanaged.items()} == {
        PROD: ["alice", "hand-made-bucket", "i-0handmade", "rtb-public"],
        "999999999999": ["app-db"]}
    assert m.matched_rows == 8
    unmatched = {row["address"] for row in m.unmatched_rows}
    assert "module.app.aws_instance.web[1]" in unmatched
    assert 'aws_s3_bucket_versioning.this["assets"]' not in unmatched  # not an inventory type
    assert index.address_of(inventory[3]) == "module.app.module.db.aws_db_instance.this"
    assert terraform.summary_counts(m.unmanaged[PROD]) == \
        "1 × ec2.instance, 1 × ec2.route_table, 1 × iam.user, 1 × s3.bucket"


def test_state_without_arns_matches_ids_in_any_account() -> None:
    index = terraform.ManagedIndex([{"address": "aws_db_instance.db", "type": "aws_db_instance",
                                     "resource_id": "app-db", "arn": None, "source": "s"}])
    assert index.address_of(res("rds.db_instance", "app-db", account="999999999999")) == \
        "aws_db_instance.db"
    assert index.address_of(res("s3.bucket", "app-db")) is None  # type matters


def test_elasticache_members_of_a_managed_replication_group() -> None:
    index = terraform.ManagedIndex([{
        "address": "aws_elasticache_replication_group.sessions",
        "type": "aws_elasticache_replication_group", "resource_id": "sessions",
        "arn": f"arn:aws:elasticache:us-east-1:{PROD}:replicationgroup:sessions", "source": "s"}])
    member = res("elasticache.cluster", "sessions-001", replication_group="sessions")
    assert index.address_of(member) == "aws_elasticache_replication_group.sessions"


# --- importing into the store -------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "onboard.db")


def test_import_merges_per_file_and_logs_the_import(store: Store,
                                                                 tmp_path: Path) -> None:
    session = store.create_session("s")
    ws = Workspace(store, catalog_mod.load(), session.id)
    result = ws.import_terraform([FIXTURES / "state_v4.json"])
    assert result.read == 14 and result.total_rows == 14 and result.match is None
    assert result.files[0].modules == 3
    assert store.last_activity(session.id, "tf_imported") is not None
    result = ws.import_terraform([FIXTURES / "show.json"])
    assert result.total_rows == 18  # the other file's rows stay
    again = ws.import_terraform([FIXTURES / "state_v4.json"])
    assert again.total_rows == 18  # re-import replaces its own
    rows = {r["address"]: r for r in store.tf_resources(session.id)}
    assert rows["module.db.aws_db_instance.this"]["resource_id"] == "staging-db"
    # the same address in another file (another stack of the same code): both are kept
    clash = tmp_path / "clash.json"
    clash.write_text(json.dumps({"version": 4, "resources": [
        {"mode": "managed", "type": "aws_s3_bucket", "name": "assets",
         "instances": [{"attributes": {"bucket": "other-assets"}}]}]}))
    result = ws.import_terraform([clash])
    assert result.total_rows == 19
    sources = {r["source"] for r in store.tf_resources(session.id)
               if r["address"] == "aws_s3_bucket.assets"}
    assert len(sources) == 2


def test_a_bad_file_imports_nothing(store: Store) -> None:
    session = store.create_session("s")
    with pytest.raises(terraform.TerraformError):
        Workspace(store, catalog_mod.load(), session.id).import_terraform(
            [FIXTURES / "state_v4.json", FIXTURES / "plan.json"])
    assert store.tf_resources(session.id) == []
    assert store.last_activity(session.id, "tf_imported") is None


# --- the CLI ------------------------------------------------------------------------------


def test_cli_import_without_a_scan(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tf", "import", str(FIXTURES / "state_v4.json")]) == 0
    out = capsys.readouterr().out
    assert "Read 14 AWS resources in 3 modules" in out
    assert "No scan yet" in out and "after `onboard scan`" in out


@pytest.mark.parametrize(("name", "needle"), [
    ("state_v3.json", "state format version 3"),
    ("plan.json", "a plan"),
    ("no_resources.json", "no \"resources\" list"),
])
def test_cli_refuses_with_one_line_and_exit_2(name: str, needle: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tf", "import", str(FIXTURES / name)]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert len(err.splitlines()) == 1 and name in err and needle in err
    assert "nothing imported" in err and "Traceback" not in captured.err


# --- end to end: moto → collectors → inventory → state → matched / unmanaged -------------


def _seed() -> dict[str, str]:
    ec2 = boto3.client("ec2", region_name="us-east-1")
    vpc = ec2.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.5.{n}.0/24",
                                 AvailabilityZone=f"us-east-1{az}")["Subnet"]["SubnetId"]
               for n, az in enumerate("ab")]
    sg = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    image = ec2.describe_images()["Images"][0]["ImageId"]
    web, handmade = (ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1,
                                       SubnetId=subnets[0])["Instances"][0]["InstanceId"]
                     for _ in range(2))
    s3 = boto3.client("s3", region_name="us-east-1")
    for bucket in ("acme-prod-assets", "acme-handmade"):
        s3.create_bucket(Bucket=bucket)
    rds = boto3.client("rds", region_name="us-east-1")
    rds.create_db_subnet_group(DBSubnetGroupName="private", DBSubnetGroupDescription="d",
                               SubnetIds=subnets)
    for ident in ("app-db", "adhoc-db"):
        rds.create_db_instance(DBInstanceIdentifier=ident, Engine="postgres",
                               DBInstanceClass="db.t3.micro", AllocatedStorage=20,
                               MasterUsername="app", MasterUserPassword="correct-horse-1",
                               DBSubnetGroupName="private")
    return {"vpc": vpc, "subnet0": subnets[0], "subnet1": subnets[1], "sg": sg, "web": web,
            "handmade": handmade}


def _state_for(ids: dict[str, str]) -> dict[str, Any]:
    """A realistic state naming some of the seeded resources (ARNs on some, ids on all)."""
    def inst(attrs: dict[str, Any], key: Any = None) -> dict[str, Any]:
        out: dict[str, Any] = {"schema_version": 0, "attributes": attrs,
                               "sensitive_attributes": []}
        if key is not None:
            out["index_key"] = key
        return out

    aws = 'provider["registry.terraform.io/hashicorp/aws"]'
    return {"version": 4, "terraform_version": "1.9.5", "serial": 3, "lineage": "x",
            "outputs": {}, "resources": [
                {"module": "module.network", "mode": "managed", "type": "aws_vpc",
                 "name": "main", "provider": aws, "instances": [inst({
                     "id": ids["vpc"],
                     "arn": f"arn:aws:ec2:us-east-1:{ACCOUNT}:vpc/{ids['vpc']}"})]},
                {"module": "module.network", "mode": "managed", "type": "aws_subnet",
                 "name": "private", "provider": aws, "each": "list", "instances": [
                     inst({"id": ids["subnet0"]}, 0), inst({"id": ids["subnet1"]}, 1)]},
                {"module": "module.app", "mode": "managed", "type": "aws_security_group",
                 "name": "web", "provider": aws, "instances": [inst({"id": ids["sg"]})]},
                {"module": "module.app", "mode": "managed", "type": "aws_instance",
                 "name": "web", "provider": aws, "each": "list",
                 "instances": [inst({"id": ids["web"]}, 0)]},
                {"mode": "managed", "type": "aws_s3_bucket", "name": "this", "provider": aws,
                 "each": "map", "instances": [inst({
                     "id": "acme-prod-assets", "bucket": "acme-prod-assets",
                     "arn": "arn:aws:s3:::acme-prod-assets"}, "assets")]},
                {"module": "module.app.module.db", "mode": "managed", "type": "aws_db_instance",
                 "name": "this", "provider": aws, "instances": [inst({
                     "id": "db-RESOURCEIDFROMNEWERPROVIDER", "identifier": "app-db"})]},
            ]}


COLLECTORS = ("ec2.network", "ec2.instances", "ec2.security_groups", "s3.buckets",
              "rds.databases")


def test_end_to_end_scan_then_import(aws: None, make_ctx: Callable[..., Context],
                                     tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ids = _seed()
    ctx = make_ctx()
    store = Store.open(None)  # ONBOARD_DB from conftest: the same file the CLI opens
    session = store.create_session("prod")
    scan_id = store.start_scan(session.id, {"account_id": ACCOUNT}, ["us-east-1"])
    collectors = all_collectors()
    resources = [r for name in COLLECTORS for r in collectors[name].fn(ctx)]
    store.add_batch(scan_id, resources, [])
    store.finish_scan(scan_id, "complete")

    state = tmp_path / "terraform.tfstate"
    state.write_text(json.dumps(_state_for(ids)))
    assert main(["tf", "import", str(state)]) == 0
    out = capsys.readouterr().out
    assert "Read 7 AWS resources in 3 modules" in out
    assert f"Matched 7 of them to 7 resources in the inventory of scan {scan_id}" in out
    assert ACCOUNT in out

    hand_made = terraform.unmanaged(store, session.id, scan_id)
    assert list(hand_made) == [ACCOUNT]
    assert {(r.type, r.id) for r in hand_made[ACCOUNT]} == {
        ("ec2.instance", ids["handmade"]), ("s3.bucket", "acme-handmade"),
        ("rds.db_instance", "adhoc-db")}
    index = terraform.managed_index(store, session.id)
    db = next(r for r in resources if r.type == "rds.db_instance" and r.id == "app-db")
    assert index.address_of(db) == "module.app.module.db.aws_db_instance.this"
    assert store.last_activity(session.id, "tf_imported") is not None


def test_lookup_for_findings_respects_the_type() -> None:
    index = index_from(FIXTURES / "state_v4.json")
    assert index.lookup("elb.load_balancer", PROD, "web") == index.by_id[
        ("elb.load_balancer", "web")][0]
    assert index.lookup("s3.bucket", PROD, "web") is None  # a bucket named like the ALB
    assert index.lookup("", PROD, PROD, "arn:aws:s3:::acme-prod-logs")["address"] == \
        'aws_s3_bucket.this["logs"]'
