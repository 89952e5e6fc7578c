"""A store holding one failing finding of every catalog check, in two accounts and two
regions, with the inventory facts fix templates read, for fix-script and bundle tests."""

from __future__ import annotations

from pathlib import Path

from onboard.catalog import Catalog, shipped
from onboard.models import GLOBAL, Account, Finding, Resource, Severity, Status
from onboard.store import Store
from onboard.workspace import Workspace

MGMT = "111111111111"
PROD = "222222222222"
REGIONS = ["eu-west-1", "us-east-1"]
MANAGED_BUCKET = "acme-exports"
STATE_FILE = "infra/prod/terraform.tfstate"


def _resource(check_id: str, scope: str, account: str, region: str) -> tuple[Resource, str]:
    """(inventory record, resource type) for one check's failing resource."""
    if scope == "account":
        return Resource(type="iam.account", id=account, account_id=account), "iam.account"
    if scope == "region":
        return Resource(type="region", id=region, account_id=account, region=region), "region"
    if scope == "user":
        name = "app-server" if check_id == "iam.workload_users" else "alice"
        keys = [{"id": "AKIAEXAMPLEKEY0000001", "status": "Active"},
                {"id": "AKIAEXAMPLEKEY0000002", "status": "Inactive"}]
        return Resource(type="iam.user", id=name, account_id=account, region=GLOBAL,
                        arn=f"arn:aws:iam::{account}:user/{name}",
                        attrs={"access_keys": keys}), "iam.user"
    if scope == "bucket":
        name = MANAGED_BUCKET if account == PROD else f"acme-{account}-data"
        return Resource(type="s3.bucket", id=name, account_id=account, region=region,
                        arn=f"arn:aws:s3:::{name}"), "s3.bucket"
    if scope == "instance":
        return Resource(type="ec2.instance", id="i-0abc123def4567890", account_id=account,
                        region=region, vpc_id="vpc-0aaa"), "ec2.instance"
    if scope == "security_group":
        return Resource(type="ec2.security_group", id="sg-0bbb", account_id=account,
                        region=region, vpc_id="vpc-0aaa"), "ec2.security_group"
    if scope == "vpc":
        return Resource(type="ec2.vpc", id="vpc-0aaa", account_id=account,
                        region=region), "ec2.vpc"
    if scope == "load_balancer":
        arn = (f"arn:aws:elasticloadbalancing:{region}:{account}:loadbalancer/app/web/"
               "50dc6c495c0c9188")
        return Resource(type="elb.load_balancer", id="web", account_id=account,
                        region=region, arn=arn), "elb.load_balancer"
    if scope == "distribution":
        return Resource(type="cloudfront.distribution", id="E2EXAMPLE", account_id=account,
                        arn=f"arn:aws:cloudfront::{account}:distribution/E2EXAMPLE",
                        attrs={"logging_bucket": None}), "cloudfront.distribution"
    if scope == "db":
        return Resource(type="rds.db_instance", id="app-db", account_id=account,
                        region=region, vpc_id="vpc-0aaa"), "rds.db_instance"
    return Resource(type="ec2.instance", id="i-0ccc", account_id=account, region=region,
                    vpc_id="vpc-0aaa"), "ec2.instance"


def build(path: Path, catalog: Catalog | None = None) -> tuple[Store, int, Catalog]:
    """The store, its session id and the catalog; every check FAILs in both accounts."""
    catalog = catalog or shipped()
    store = Store.open(path)
    session = store.create_session("fixes")
    store.upsert_accounts(session.id, [
        Account(account_id=MGMT, name="acme-management", source="organizations",
                access="ok", environment="management"),
        Account(account_id=PROD, name="acme-prod", source="organizations", access="ok",
                environment="prod")])
    scan_id = store.start_scan(session.id, {"account_id": MGMT, "arn": "arn"}, REGIONS)
    resources: dict[tuple[str, str, str, str], Resource] = {}
    findings = []
    for check in catalog.checks.values():
        for account in (MGMT, PROD):
            for region in (REGIONS if check.scope in ("region", "bucket") else REGIONS[:1]):
                res, rtype = _resource(check.id, check.scope, account, region)
                resources[res.key] = res
                findings.append(Finding(
                    check_id=check.id, status=Status.FAIL, severity=Severity.HIGH,
                    account_id=account, region=res.region, resource_id=res.id,
                    resource_arn=res.arn, resource_type=rtype,
                    message=f"{res.id} fails {check.id} (key AKIAEXAMPLEKEY0000001)"))
    store.add_batch(scan_id, resources.values())
    store.replace_tf_resources(session.id, [{
        "address": "aws_s3_bucket.exports", "type": "aws_s3_bucket", "name": "exports",
        "module": "", "index_key": "", "resource_id": MANAGED_BUCKET,
        "arn": f"arn:aws:s3:::{MANAGED_BUCKET}", "source": STATE_FILE}])
    # the write path: findings addressed by the state above, the matrix derived
    Workspace(store, catalog, session.id).finish_scan(scan_id, findings, "complete", 0, {})
    return store, session.id, catalog
