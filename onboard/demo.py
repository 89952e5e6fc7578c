"""The emulated startup org (DealLink, on moto) that `onboard demo` and the e2e tests scan."""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal, NamedTuple
from urllib.parse import urlsplit, urlunsplit

import boto3

COMPANY = "DealLink"
DOMAIN = "deallink.example"
PRIMARY_REGION = "us-east-1"
SECOND_REGION = "ap-northeast-1"
REGIONS: tuple[str, ...] = (PRIMARY_REGION, SECOND_REGION)
VPN_CIDR = "198.51.100.0/28"  # the company VPN's egress range: the team is fully remote
AMI_ID = "ami-0a1b2c3d4e5f60718"  # moto runs any AMI id; this one stands for Amazon Linux 2023
ROLE_NAME = "OrganizationAccountAccessRole"
CLOUDFRONT_ZONE_ID = "Z2FDTNDATAQYW2"  # the fixed hosted zone of every CloudFront alias target
ELB_LOG_ACCOUNT = "127311923021"  # the Elastic Load Balancing account of us-east-1

Environment = Literal["management", "prod", "staging", "sandbox"]


class Expect(NamedTuple):
    """One outcome a correct scan of the demo org must report."""

    check_id: str
    account_id: str
    resource_id: str


@dataclass(frozen=True)
class DemoAccount:
    """One AWS account of the demo org."""

    key: str
    id: str
    name: str
    email: str
    environment: Environment
    ou: str | None


@dataclass(frozen=True)
class DemoAsset:
    """An information asset the demo suggests declaring, and where it lives."""

    name: str
    value: int
    description: str
    resources: tuple[tuple[str, str], ...]  # (account id, resource id)


@dataclass
class DemoOrg:
    """What `seed()` built: the accounts and the outcomes a scan of them must report.

    `expected` holds the FAILs and `good` the PASSes of (check id, account id, resource id),
    for a scan of the regions in `regions` (moto has default VPCs in every region: scan these
    only). Both follow DESIGN.md's catalog: only outcomes its FAIL definitions decide are
    listed (not, e.g., an unused default VPC, or an instance whose role the catalog cannot
    tell). `expected` is meant to be every FAIL such a scan reports. The check moto cannot
    serve (accessanalyzer) is in neither list. `ids` names what was built:
    "production/vpc", "staging/alb", "production/distribution", "sandbox/sg/launch-wizard-1",
    "production/instance/deallink-prod-batch", ...
    """

    organization_id: str
    accounts: dict[str, DemoAccount]  # "management", "production", "staging", "sandbox"
    regions: tuple[str, ...]
    expected: list[Expect] = field(default_factory=list)
    good: list[Expect] = field(default_factory=list)
    assets: list[DemoAsset] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)
    backend_tweaks: bool = False
    company: str = COMPANY
    domain: str = DOMAIN

    def account(self, key: str) -> DemoAccount:
        return self.accounts[key]

    def by_id(self, account_id: str) -> DemoAccount:
        for acct in self.accounts.values():
            if acct.id == account_id:
                return acct
        raise KeyError(account_id)

    @property
    def account_ids(self) -> list[str]:
        return [a.id for a in self.accounts.values()]


# --- low-level helpers ---------------------------------------------------------------------

ALL_BLOCKED = {"BlockPublicAcls": True, "IgnorePublicAcls": True,
               "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
LOG_BUCKET = {"management": "deallink-mgmt-cloudtrail", "prod": "deallink-prod-logs",
              "staging": "deallink-staging-logs"}


def _tags(name: str, env: str, **extra: str) -> list[dict[str, str]]:
    tags = {"Name": name, "Environment": env, "ManagedBy": "terraform", **extra}
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def _spec(kind: str, name: str, env: str, **extra: str) -> list[dict[str, Any]]:
    return [{"ResourceType": kind, "Tags": _tags(name, env, **extra)}]


def _trust(service: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})


def _allow(actions: list[str], resources: list[str] | str = "*") -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": actions, "Resource": resources}]})


def _lambda_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("index.py", "def handler(event, context):\n    return {'ok': True}\n")
    return buf.getvalue()


def strip_account_host(request: Any, **_: Any) -> None:
    """moto server: S3 Control puts "<account>." before a local host; drop it."""
    parts = urlsplit(request.url)
    first, _, rest = parts.netloc.partition(".")
    if first.isdigit() and len(first) == 12 and rest:
        request.url = urlunsplit(parts._replace(netloc=rest))


def _emulated(endpoint: str) -> tuple[bool, bool]:
    """(is this an emulator, is it moto in this process) for a client's endpoint URL."""
    if "amazonaws.com" not in (urlsplit(endpoint).hostname or ""):
        return True, False
    try:
        from moto.core.models import botocore_stubber
    except ImportError:
        return False, False
    return bool(botocore_stubber.enabled), bool(botocore_stubber.enabled)


@dataclass
class _Acct:
    key: str
    id: str
    env: Environment
    creds: dict[str, str]


@dataclass
class _Net:
    vpc: str
    public: list[str]
    private: list[str]


# --- the seeder ----------------------------------------------------------------------------


class _Seeder:
    def __init__(self, session: boto3.Session, backend_tweaks: bool) -> None:
        self.session = session
        self.tweaks = backend_tweaks
        self.clients: dict[tuple[str, str, str], Any] = {}
        self.expected: list[Expect] = []
        self.good: list[Expect] = []
        self.ids: dict[str, str] = {}
        self.emulated_server = False
        # ages in days by (account id, user name), applied by the in-process backend tweak
        self.key_ages: dict[tuple[str, str], int] = {}
        self.user_ages: dict[tuple[str, str], int] = {}

    # clients, one per (account, service, region), all from one session (shared model cache)
    def c(self, acct: _Acct, service: str, region: str = PRIMARY_REGION) -> Any:
        k = (acct.id, service, region)
        if k not in self.clients:
            client = self.session.client(service, region_name=region, **acct.creds)
            if not _emulated(client.meta.endpoint_url)[0]:  # e.g. one service's endpoint_url
                raise RuntimeError(f"refusing to seed real AWS ({service} is not emulated)")
            if service == "s3control" and self.emulated_server:
                client.meta.events.register("before-send.s3-control", strip_account_host)
            self.clients[k] = client
        return self.clients[k]

    def judge(self, check_id: str, acct: _Acct, resource_id: str, failed: bool) -> None:
        (self.expected if failed else self.good).append(Expect(check_id, acct.id, resource_id))

    # --- organization ------------------------------------------------------------------
    def organization(self, mgmt: _Acct) -> tuple[str, dict[str, DemoAccount], list[_Acct]]:
        org = self.c(mgmt, "organizations")
        org_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
        root = org.list_roots()["Roots"][0]["Id"]
        ous = {name: org.create_organizational_unit(ParentId=root, Name=name)
               ["OrganizationalUnit"]["Id"] for name in ("Workloads", "Sandbox")}
        if self.tweaks:  # moto names the management account "master" (no API renames it)
            from moto.organizations.models import organizations_backends

            backend = organizations_backends[mgmt.id]["aws"]
            for account in backend.accounts:
                if account.id == mgmt.id:
                    account.name, account.email = f"{COMPANY} Management", f"aws@{DOMAIN}"
            if backend.org is not None:
                backend.org.master_account_email = f"aws@{DOMAIN}"
        me = org.describe_account(AccountId=mgmt.id)["Account"]
        accounts = {"management": DemoAccount("management", mgmt.id, me["Name"], me["Email"],
                                              "management", None)}
        members: list[_Acct] = []
        plan: list[tuple[str, str, Environment, str]] = [
            ("production", "DealLink Production", "prod", "Workloads"),
            ("staging", "DealLink Staging", "staging", "Workloads"),
            ("sandbox", "DealLink Sandbox", "sandbox", "Sandbox"),
        ]
        sts = self.c(mgmt, "sts")
        for key, name, env, ou in plan:
            email = f"aws+{key}@{DOMAIN}"
            status = org.create_account(Email=email, AccountName=name, Tags=[
                {"Key": "Environment", "Value": env}])["CreateAccountStatus"]
            if status.get("State") != "SUCCEEDED":  # moto finishes at once; AWS would poll
                status = org.describe_create_account_status(
                    CreateAccountRequestId=status["Id"])["CreateAccountStatus"]
            acct_id = status["AccountId"]
            org.move_account(AccountId=acct_id, SourceParentId=root, DestinationParentId=ous[ou])
            accounts[key] = DemoAccount(key, acct_id, name, email, env, ou)
            creds = sts.assume_role(RoleArn=f"arn:aws:iam::{acct_id}:role/{ROLE_NAME}",
                                    RoleSessionName="onboard-demo-seed")["Credentials"]
            members.append(_Acct(key, acct_id, env, {
                "aws_access_key_id": creds["AccessKeyId"],
                "aws_secret_access_key": creds["SecretAccessKey"],
                "aws_session_token": creds["SessionToken"]}))
        for ou_name, ou_id in ous.items():
            self.ids[f"ou/{ou_name}"] = ou_id
        self.ids["root"] = root
        return org_id, accounts, members

    # --- IAM -----------------------------------------------------------------------------
    def iam_base(self, acct: _Acct) -> None:
        iam = self.c(acct, "iam")
        if acct.env != "management":  # moto creates the role (as Organizations does) bare
            iam.put_role_policy(RoleName=ROLE_NAME, PolicyName="AdministratorAccess",
                                PolicyDocument=_allow(["*"]))
        for group, actions in (("admins", ["*"]),
                               ("developers", ["ec2:*", "s3:*", "rds:*", "lambda:*",
                                               "logs:*", "cloudwatch:*", "dynamodb:*"])):
            policy = iam.create_policy(PolicyName=f"DealLink-{group}",
                                       PolicyDocument=_allow(actions))["Policy"]["Arn"]
            iam.create_group(GroupName=group)
            iam.attach_group_policy(GroupName=group, PolicyArn=policy)

    def user(self, acct: _Acct, name: str, *, console: bool, mfa: bool = False,
             key: Literal["used", "unused", "inactive"] | None = None, key_age: int = 30,
             group: str = "developers") -> None:
        iam = self.c(acct, "iam")
        iam.create_user(UserName=name, Tags=[{"Key": "Team", "Value": "engineering"}])
        if group:
            iam.add_user_to_group(GroupName=group, UserName=name)
        if console:
            iam.create_login_profile(UserName=name, Password="Demo-Only-Passw0rd!")
        if mfa:
            serial = iam.create_virtual_mfa_device(
                VirtualMFADeviceName=name)["VirtualMFADevice"]["SerialNumber"]
            iam.enable_mfa_device(UserName=name, SerialNumber=serial,
                                  AuthenticationCode1="123456", AuthenticationCode2="654321")
        key_failed = False
        if key:
            ak = iam.create_access_key(UserName=name)["AccessKey"]
            if key == "inactive":
                iam.update_access_key(UserName=name, AccessKeyId=ak["AccessKeyId"],
                                      Status="Inactive")
            elif key == "used":  # one signed call marks the key as used (LastUsedDate)
                self.session.client("s3", region_name=PRIMARY_REGION,
                                    aws_access_key_id=ak["AccessKeyId"],
                                    aws_secret_access_key=ak["SecretAccessKey"]).list_buckets()
            self.key_ages[(acct.id, name)] = key_age
            # iam.user_access_keys: a key never used fails at any age, a used one after 90
            # days; keys are only old when the in-process backend tweak backdates them.
            age = key_age if self.tweaks else 0
            if key != "inactive":
                key_failed = age > 90 or key == "unused"
                if key == "used" or key_failed:
                    self.judge("iam.user_access_keys", acct, name, key_failed)
        self.user_ages[(acct.id, name)] = max(key_age, 60)
        self.judge("iam.human_users", acct, name, console)
        if console:
            self.judge("iam.user_mfa", acct, name, not mfa)
        else:
            self.judge("iam.workload_users", acct, name, key in ("used", "unused"))

    def role(self, acct: _Acct, name: str, service: str, actions: list[str],
             profile: bool = False) -> str:
        iam = self.c(acct, "iam")
        arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=_trust(service),
                              Tags=[{"Key": "ManagedBy", "Value": "terraform"}])["Role"]["Arn"]
        iam.put_role_policy(RoleName=name, PolicyName=f"{name}-policy",
                            PolicyDocument=_allow(actions))
        if profile:
            iam.create_instance_profile(InstanceProfileName=name)
            iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=name)
        return arn

    # --- S3 ------------------------------------------------------------------------------
    def bucket(self, acct: _Acct, name: str, *, region: str = PRIMARY_REGION,
               bpa: bool = True, versioning: str | None = "Enabled",
               encryption: str | None = "AES256", policy: dict[str, Any] | None = None,
               acl: str | None = None, public: bool = False,
               classification: str = "internal") -> None:
        s3 = self.c(acct, "s3", region)
        kwargs: dict[str, Any] = {"Bucket": name}
        if region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
        s3.create_bucket(**kwargs)
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": _tags(
            name, acct.env, DataClassification=classification)})
        if versioning:
            s3.put_bucket_versioning(Bucket=name,
                                     VersioningConfiguration={"Status": versioning})
        if encryption:
            rule: dict[str, Any] = {"ApplyServerSideEncryptionByDefault": {
                "SSEAlgorithm": encryption}, "BucketKeyEnabled": encryption == "aws:kms"}
            s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={
                "Rules": [rule]})
        if acl:
            s3.put_bucket_acl(Bucket=name, ACL=acl)
        if policy:
            s3.put_bucket_policy(Bucket=name, Policy=json.dumps(policy))
        if bpa:
            s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=ALL_BLOCKED)
        self.judge("s3.bucket_public_access_block", acct, name, not bpa)
        self.judge("s3.versioning", acct, name, versioning != "Enabled")
        self.judge("s3.bucket_public", acct, name, public)

    def account_bpa(self, acct: _Acct, on: bool) -> None:
        if on:
            self.c(acct, "s3control").put_public_access_block(
                AccountId=acct.id, PublicAccessBlockConfiguration=ALL_BLOCKED)
        self.judge("s3.account_public_access_block", acct, acct.id, not on)

    # --- network -------------------------------------------------------------------------
    def network(self, acct: _Acct, prefix: str, flow_logs_to: str | None) -> _Net:
        ec2 = self.c(acct, "ec2")
        env = acct.env
        base = f"deallink-{env}"
        vpc = ec2.create_vpc(CidrBlock=f"{prefix}.0.0/16", TagSpecifications=_spec(
            "vpc", base, env))["Vpc"]["VpcId"]
        ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
        igw = ec2.create_internet_gateway(TagSpecifications=_spec(
            "internet-gateway", f"{base}-igw", env))["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
        net = _Net(vpc, [], [])
        for i, az in enumerate(("a", "b")):
            for tier, offset in (("public", 0), ("private", 10)):
                subnet = ec2.create_subnet(
                    VpcId=vpc, CidrBlock=f"{prefix}.{offset + i}.0/24",
                    AvailabilityZone=f"{PRIMARY_REGION}{az}",
                    TagSpecifications=_spec("subnet", f"{base}-{tier}-{az}", env, Tier=tier),
                )["Subnet"]["SubnetId"]
                getattr(net, tier).append(subnet)
        for subnet in net.public:
            ec2.modify_subnet_attribute(SubnetId=subnet, MapPublicIpOnLaunch={"Value": True})
        eip = ec2.allocate_address(Domain="vpc", TagSpecifications=_spec(
            "elastic-ip", f"{base}-nat", env))["AllocationId"]
        nat = ec2.create_nat_gateway(SubnetId=net.public[0], AllocationId=eip,
                                     TagSpecifications=_spec("natgateway", f"{base}-nat", env)
                                     )["NatGateway"]["NatGatewayId"]
        for tier, subnets, target in (("public", net.public, {"GatewayId": igw}),
                                      ("private", net.private, {"NatGatewayId": nat})):
            rt = ec2.create_route_table(VpcId=vpc, TagSpecifications=_spec(
                "route-table", f"{base}-{tier}", env))["RouteTable"]["RouteTableId"]
            ec2.create_route(RouteTableId=rt, DestinationCidrBlock="0.0.0.0/0", **target)
            for subnet in subnets:
                ec2.associate_route_table(RouteTableId=rt, SubnetId=subnet)
        if flow_logs_to:
            # moto looks the whole ARN resource up as a bucket name: no "/prefix/" here
            resp = ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC",
                                        TrafficType="ALL", LogDestinationType="s3",
                                        LogDestination=f"arn:aws:s3:::{flow_logs_to}")
            if resp.get("Unsuccessful"):
                raise RuntimeError(f"flow logs for {vpc}: {resp['Unsuccessful']}")
        self.judge("vpc.flow_logs", acct, vpc, flow_logs_to is None)
        self.ids.update({f"{acct.key}/vpc": vpc, f"{acct.key}/igw": igw,
                         f"{acct.key}/nat": nat})
        return net

    def default_vpc(self, acct: _Acct, region: str) -> tuple[str, str]:
        """(default VPC id, its first default subnet) in a region."""
        ec2 = self.c(acct, "ec2", region)
        vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}]
                                )["Vpcs"][0]["VpcId"]
        subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
        return vpc, sorted(subnets, key=lambda s: s["AvailabilityZone"])[0]["SubnetId"]

    def sg(self, acct: _Acct, name: str, vpc: str, rules: list[dict[str, Any]], *,
           region: str = PRIMARY_REGION, ssh_open: bool = False, ports_open: bool = False,
           description: str = "") -> str:
        ec2 = self.c(acct, "ec2", region)
        sg = ec2.create_security_group(
            GroupName=name, VpcId=vpc, Description=description or name,
            TagSpecifications=_spec("security-group", name, acct.env))["GroupId"]
        if rules:
            ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=rules)
        self.judge("ec2.ssh_open", acct, sg, ssh_open)
        self.judge("ec2.sg_open_ports", acct, sg, ports_open)
        self.ids[f"{acct.key}/sg/{name}"] = sg
        return sg

    def instance(self, acct: _Acct, name: str, subnet: str, sgs: list[str], *,
                 region: str = PRIMARY_REGION, profile: str | None = None,
                 instance_type: str = "t3.small", public_subnet: bool | None = None,
                 internal: bool = False, **tags: str) -> str:
        kwargs: dict[str, Any] = {}
        if profile:
            kwargs["IamInstanceProfile"] = {"Name": profile}
        iid = self.c(acct, "ec2", region).run_instances(
            ImageId=AMI_ID, InstanceType=instance_type, MinCount=1, MaxCount=1,
            SubnetId=subnet, SecurityGroupIds=sgs,
            MetadataOptions={"HttpTokens": "required" if profile else "optional"},
            TagSpecifications=_spec("instance", name, acct.env, **tags), **kwargs,
        )["Instances"][0]["InstanceId"]
        self.judge("ec2.instance_profile", acct, iid, profile is None)
        if public_subnet is not None:  # None: the catalog does not decide (no role signal)
            self.judge("network.public_subnet_resources", acct, iid,
                       public_subnet and internal)
        self.ids[f"{acct.key}/instance/{name}"] = iid
        return iid

    # --- the application stack (prod and staging) ----------------------------------------
    def app_stack(self, acct: _Acct, net: _Net, *, prod: bool) -> None:
        env = acct.env
        base = f"deallink-{env}"
        anyone = {"IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}
        alb_sg = self.sg(acct, f"{base}-alb", net.vpc, [
            {"IpProtocol": "tcp", "FromPort": p, "ToPort": p, **anyone} for p in (80, 443)],
            description="ALB: HTTP and HTTPS from anywhere")

        def from_sg(port: int, source: str) -> dict[str, Any]:
            return {"IpProtocol": "tcp", "FromPort": port, "ToPort": port,
                    "UserIdGroupPairs": [{"GroupId": source}]}

        web_rules = [from_sg(80, alb_sg)]
        lb_subnets = net.public
        targets: list[str] = []
        if prod:
            bastion_sg = self.sg(acct, f"{base}-bastion", net.vpc, [{
                "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                "IpRanges": [{"CidrIp": VPN_CIDR, "Description": "company VPN"}]}],
                description="SSH from the company VPN only")
            web_sg = self.sg(acct, f"{base}-web", net.vpc, [*web_rules, from_sg(22, bastion_sg)],
                             description="app servers: HTTP from the ALB, SSH from the bastion")
            self.role(acct, f"{base}-bastion", "ec2.amazonaws.com",
                      ["ssm:UpdateInstanceInformation", "ssmmessages:*"], profile=True)
            self.role(acct, f"{base}-web", "ec2.amazonaws.com",
                      ["s3:GetObject", "s3:PutObject", "dynamodb:*", "sqs:*"], profile=True)
            self.instance(acct, f"{base}-bastion", net.public[0], [bastion_sg],
                          profile=f"{base}-bastion", instance_type="t3.micro",
                          public_subnet=True, Role="bastion")
            for i, subnet in enumerate(net.private, start=1):
                targets.append(self.instance(
                    acct, f"{base}-web-{i}", subnet, [web_sg], profile=f"{base}-web",
                    public_subnet=False, Role="web"))
            batch_sg = self.sg(acct, f"{base}-batch", net.vpc, [from_sg(22, bastion_sg)],
                               description="nightly export batch")
            # the talk's finding: an EC2 instance that calls AWS with an IAM user's keys
            self.instance(acct, f"{base}-batch", net.private[0], [batch_sg],
                          public_subnet=False, internal=True, Role="batch",
                          Credentials="IAM user app-server (keys in /etc/deallink/env)")
            db_public = self.sg(acct, f"{base}-analytics-db", net.vpc, [{
                "IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
                "Ipv6Ranges": [{"CidrIpv6": "::/0", "Description": "BI tool (temporary)"}]}],
                ports_open=True, description="analytics replica for the BI tool")
        else:
            ssh_sg = self.sg(acct, f"{base}-ssh", net.vpc, [{
                "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "temporary"}]}],
                ssh_open=True, description="SSH for developers")
            web_sg = self.sg(acct, f"{base}-web", net.vpc, web_rules,
                             description="app servers: HTTP from the ALB")
            # an ALB target in a public subnet: it is reached through the ALB, so it needs no
            # public subnet (network.public_subnet_resources judges structure, not the name)
            targets.append(self.instance(acct, f"{base}-web-1", net.public[0], [web_sg, ssh_sg],
                                         public_subnet=True, internal=True, Role="web"))
            # a queue worker that belongs in a private subnet, with an IAM user's keys
            self.instance(acct, f"{base}-worker", net.public[1], [ssh_sg],
                          public_subnet=True, internal=True, Role="worker",
                          Credentials="IAM user app-server (keys in /etc/deallink/env)")
        db_sg = self.sg(acct, f"{base}-db", net.vpc, [from_sg(5432, web_sg)],
                        description="PostgreSQL from the app servers")
        cache_sg = self.sg(acct, f"{base}-cache", net.vpc, [from_sg(6379, web_sg)],
                           description="Redis from the app servers")

        # load balancer → target group → instances
        elb = self.c(acct, "elbv2")
        lb_name = f"{base}-alb"
        lb = elb.create_load_balancer(Name=lb_name, Subnets=lb_subnets, SecurityGroups=[alb_sg],
                                      Scheme="internet-facing", Type="application",
                                      Tags=_tags(lb_name, env))["LoadBalancers"][0]
        tg = elb.create_target_group(Name=f"{base}-web", Protocol="HTTP", Port=80,
                                     VpcId=net.vpc, TargetType="instance",
                                     HealthCheckPath="/healthz")["TargetGroups"][0]
        elb.register_targets(TargetGroupArn=tg["TargetGroupArn"],
                             Targets=[{"Id": t, "Port": 80} for t in targets])
        elb.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=80,
                            DefaultActions=[{"Type": "forward",
                                             "TargetGroupArn": tg["TargetGroupArn"]}])
        if prod:
            elb.modify_load_balancer_attributes(
                LoadBalancerArn=lb["LoadBalancerArn"], Attributes=[
                    {"Key": "access_logs.s3.enabled", "Value": "true"},
                    {"Key": "access_logs.s3.bucket", "Value": LOG_BUCKET[env]},
                    {"Key": "access_logs.s3.prefix", "Value": "alb"}])
        self.judge("elb.access_logs", acct, lb_name, not prod)
        self.ids[f"{acct.key}/alb"] = lb_name

        # databases
        rds = self.c(acct, "rds")
        rds.create_db_subnet_group(DBSubnetGroupName=f"{base}-private",
                                   DBSubnetGroupDescription="private subnets",
                                   SubnetIds=net.private)
        dbs: list[tuple[str, str, str, int, bool, bool]] = [
            # identifier, subnet group, security group, retention, deletion protection, public
            (f"{base}-db", f"{base}-private", db_sg, 7 if prod else 1, prod, False)]
        if prod:
            rds.create_db_subnet_group(DBSubnetGroupName=f"{base}-analytics",
                                       DBSubnetGroupDescription="reachable from the BI tool",
                                       SubnetIds=net.public)
            dbs.append((f"{base}-analytics", f"{base}-analytics", db_public, 1, False, True))
        for ident, group, sg, retention, protect, public in dbs:
            rds.create_db_instance(
                DBInstanceIdentifier=ident, Engine="postgres", EngineVersion="16.3",
                DBInstanceClass="db.t4g.medium", AllocatedStorage=50, DBName="deallink",
                MasterUsername="deallink", MasterUserPassword="Demo-Only-Passw0rd!",
                DBSubnetGroupName=group, VpcSecurityGroupIds=[sg],
                BackupRetentionPeriod=retention, DeletionProtection=protect,
                PubliclyAccessible=public, StorageEncrypted=True, MultiAZ=prod and not public,
                Tags=_tags(ident, env, DataClassification="confidential"))
            self.judge("rds.backup_retention", acct, ident, retention < 7)
            self.judge("rds.deletion_protection", acct, ident, not protect)
            self.judge("rds.public", acct, ident, public)
            self.judge("network.public_subnet_resources", acct, ident, group.endswith("analytics"))
            self.ids[f"{acct.key}/db/{ident}"] = ident

        # cache
        ec = self.c(acct, "elasticache")
        ec.create_cache_subnet_group(CacheSubnetGroupName=f"{base}-cache",
                                     CacheSubnetGroupDescription="private subnets",
                                     SubnetIds=net.private)
        cache_id = f"{base}-redis"
        ec.create_cache_cluster(CacheClusterId=cache_id, Engine="redis",
                                CacheNodeType="cache.t4g.small", NumCacheNodes=1,
                                CacheSubnetGroupName=f"{base}-cache",
                                SecurityGroupIds=[cache_sg], Tags=_tags(cache_id, env))
        self.judge("network.public_subnet_resources", acct, cache_id, False)
        self.ids[f"{acct.key}/cache"] = cache_id

        # serverless and data
        self.function(acct, f"{base}-pdf-watermark", "watermarks data-room PDFs for investors")
        self.c(acct, "dynamodb").create_table(
            TableName=f"{base}-audit-events", BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "sk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                       {"AttributeName": "sk", "KeyType": "RANGE"}],
            Tags=_tags(f"{base}-audit-events", env))
        self.ids[f"{acct.key}/dynamodb"] = f"{base}-audit-events"
        self.pipeline(acct)
        self.edge(acct, lb["DNSName"], prod=prod)

    def function(self, acct: _Acct, name: str, description: str,
                 region: str = PRIMARY_REGION) -> None:
        role_name = f"{name}-exec"
        role = self.role(acct, role_name, "lambda.amazonaws.com",
                         ["logs:CreateLogStream", "logs:PutLogEvents", "s3:GetObject"])
        self.c(acct, "lambda", region).create_function(
            FunctionName=name, Runtime="python3.12", Role=role, Handler="index.handler",
            Code={"ZipFile": _lambda_zip()}, Description=description, Timeout=30,
            Environment={"Variables": {"STAGE": acct.env}}, Tags={"Environment": acct.env})
        self.ids[f"{acct.key}/lambda/{name}"] = name

    def pipeline(self, acct: _Acct) -> None:
        base = f"deallink-{acct.env}"
        artifacts = f"{base}-pipeline-artifacts"
        build_role = self.role(acct, f"{base}-codebuild", "codebuild.amazonaws.com",
                               ["logs:*", "s3:*", "ecr:*"])
        pipe_role = self.role(acct, f"{base}-codepipeline", "codepipeline.amazonaws.com",
                              ["s3:*", "codebuild:*", "codestar-connections:UseConnection"])
        self.c(acct, "codebuild").create_project(
            name=f"{base}-build", serviceRole=build_role,
            source={"type": "CODEPIPELINE", "location": "deallink/app"},
            artifacts={"type": "CODEPIPELINE", "location": artifacts},
            environment={"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0",
                         "computeType": "BUILD_GENERAL1_SMALL",
                         "environmentVariables": [{"name": "STAGE", "value": acct.env}]})
        self.c(acct, "codepipeline").create_pipeline(pipeline={
            "name": f"{base}-deploy", "roleArn": pipe_role,
            "artifactStore": {"type": "S3", "location": artifacts},
            "stages": [
                {"name": "Source", "actions": [{
                    "name": "Source", "actionTypeId": {"category": "Source", "owner": "AWS",
                                                       "provider": "S3", "version": "1"},
                    "configuration": {"S3Bucket": artifacts, "S3ObjectKey": "source.zip"},
                    "outputArtifacts": [{"name": "src"}]}]},
                {"name": "Build", "actions": [{
                    "name": "Build", "actionTypeId": {"category": "Build", "owner": "AWS",
                                                      "provider": "CodeBuild", "version": "1"},
                    "configuration": {"ProjectName": f"{base}-build"},
                    "inputArtifacts": [{"name": "src"}]}]},
            ]})
        self.ids[f"{acct.key}/pipeline"] = f"{base}-deploy"
        self.ids[f"{acct.key}/codebuild"] = f"{base}-build"

    def edge(self, acct: _Acct, alb_dns: str, *, prod: bool) -> None:
        """WAF (CLOUDFRONT scope) → CloudFront (S3 + ALB origins) ← Route 53 alias."""
        env = acct.env
        base = f"deallink-{env}"
        acl = self.c(acct, "wafv2").create_web_acl(
            Name=f"{base}-cloudfront", Scope="CLOUDFRONT", DefaultAction={"Allow": {}},
            Rules=[{"Name": "rate-limit", "Priority": 0, "Action": {"Block": {}},
                    "Statement": {"RateBasedStatement": {"Limit": 2000,
                                                         "AggregateKeyType": "IP"}},
                    "VisibilityConfig": {"SampledRequestsEnabled": True,
                                         "CloudWatchMetricsEnabled": True,
                                         "MetricName": "rate-limit"}}],
            VisibilityConfig={"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True,
                              "MetricName": f"{base}-cloudfront"})["Summary"]
        static = f"{base}-static-assets"
        forwarded = {"QueryString": True, "Cookies": {"Forward": "all"},
                     "Headers": {"Quantity": 0}}
        logging_on = not prod  # someone tried access logs in staging and never did prod
        config = {
            "CallerReference": f"{base}-app", "Comment": f"{COMPANY} {env} app",
            "Enabled": True, "WebACLId": acl["ARN"], "PriceClass": "PriceClass_200",
            "Origins": {"Quantity": 2, "Items": [
                {"Id": "alb", "DomainName": alb_dns, "CustomOriginConfig": {
                    "HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "http-only"}},
                {"Id": "static", "DomainName": f"{static}.s3.amazonaws.com",
                 "S3OriginConfig": {"OriginAccessIdentity": ""}},
            ]},
            "DefaultCacheBehavior": {"TargetOriginId": "alb",
                                     "ViewerProtocolPolicy": "redirect-to-https",
                                     "ForwardedValues": forwarded, "MinTTL": 0},
            "CacheBehaviors": {"Quantity": 1, "Items": [{
                "PathPattern": "/static/*", "TargetOriginId": "static",
                "ViewerProtocolPolicy": "redirect-to-https", "MinTTL": 0,
                "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}}}]},
            "Logging": {"Enabled": logging_on, "IncludeCookies": False,
                        "Bucket": f"{LOG_BUCKET[env]}.s3.amazonaws.com" if logging_on else "",
                        "Prefix": "cloudfront/" if logging_on else ""},
        }
        dist = self.c(acct, "cloudfront").create_distribution(
            DistributionConfig=config)["Distribution"]
        self.judge("cloudfront.logging", acct, dist["Id"], not logging_on)
        zone_name = DOMAIN if prod else f"{env}.{DOMAIN}"
        r53 = self.c(acct, "route53")
        zone = r53.create_hosted_zone(Name=f"{zone_name}.", CallerReference=f"{base}-zone",
                                      HostedZoneConfig={"Comment": f"{COMPANY} {env}",
                                                        "PrivateZone": False})["HostedZone"]
        r53.change_resource_record_sets(HostedZoneId=zone["Id"], ChangeBatch={"Changes": [{
            "Action": "CREATE", "ResourceRecordSet": {
                "Name": f"app.{zone_name}.", "Type": "A", "AliasTarget": {
                    "HostedZoneId": CLOUDFRONT_ZONE_ID, "DNSName": dist["DomainName"],
                    "EvaluateTargetHealth": False}}}]})
        self.ids.update({f"{acct.key}/distribution": dist["Id"],
                         f"{acct.key}/web_acl": acl["ARN"],
                         f"{acct.key}/hosted_zone": zone["Id"].rsplit("/", 1)[-1]})

    # --- audit services ------------------------------------------------------------------
    def trail(self, acct: _Acct, bucket: str, multi_region: bool) -> None:
        ct = self.c(acct, "cloudtrail")
        name = f"deallink-{acct.env}-trail"
        ct.create_trail(Name=name, S3BucketName=bucket, IsMultiRegionTrail=multi_region,
                        IncludeGlobalServiceEvents=True, EnableLogFileValidation=True,
                        TagsList=[{"Key": "ManagedBy", "Value": "manual"}])
        ct.start_logging(Name=name)
        self.ids[f"{acct.key}/trail"] = name

    def regional_services(self, acct: _Acct, config: set[str], guardduty: set[str],
                          securityhub: set[str], inspector: frozenset[str] = frozenset()
                          ) -> None:
        for region in REGIONS:
            if region in config:
                cfg = self.c(acct, "config", region)
                cfg.put_configuration_recorder(ConfigurationRecorder={
                    "name": "default", "roleARN": f"arn:aws:iam::{acct.id}:role/aws-service-role/"
                    "config.amazonaws.com/AWSServiceRoleForConfig",
                    "recordingGroup": {"allSupported": True,
                                       "includeGlobalResourceTypes": True}})
                cfg.put_delivery_channel(DeliveryChannel={
                    "name": "default", "s3BucketName": LOG_BUCKET[acct.env],
                    "s3KeyPrefix": "config"})
                cfg.start_configuration_recorder(ConfigurationRecorderName="default")
            if region in guardduty:
                self.c(acct, "guardduty", region).create_detector(
                    Enable=True, FindingPublishingFrequency="SIX_HOURS")
            if region in securityhub:
                self.c(acct, "securityhub", region).enable_security_hub(
                    EnableDefaultStandards=False)
            # moto answers nothing for an account that never enabled Inspector, where AWS
            # says DISABLED: enabling and disabling again gives AWS's answer
            insp = self.c(acct, "inspector2", region)
            insp.enable(accountIds=[acct.id], resourceTypes=["EC2", "ECR"])
            if region not in inspector:
                insp.disable(accountIds=[acct.id], resourceTypes=["EC2", "ECR"])
            self.judge("inspector.enabled", acct, region, region not in inspector)
            self.judge("config.enabled", acct, region, region not in config)
            self.judge("guardduty.enabled", acct, region, region not in guardduty)
            self.judge("securityhub.enabled", acct, region, region not in securityhub)

    # --- in-process moto backend tweaks (no API can do these) ----------------------------
    def backend(self, mgmt: _Acct, sandbox: _Acct, accounts: list[_Acct]) -> None:
        from moto.core.utils import utcnow
        from moto.iam.models import iam_backends
        from moto.ssoadmin.models import ssoadmin_backends

        now = utcnow()
        # root MFA on in the management account (moto's AccountMFAEnabled is always 0);
        # the forgotten sandbox's root user still has the access key made when it was opened
        iam_backends[mgmt.id]["aws"].account_summary._account_mfa_enabled = 1
        iam_backends[sandbox.id]["aws"].account_summary._account_access_keys_present = 1
        for acct in accounts:
            iam = iam_backends[acct.id]["aws"]
            for (acct_id, name), days in self.user_ages.items():
                if acct_id == acct.id:
                    iam.users[name].create_date = now - timedelta(days=days)
            for (acct_id, name), days in self.key_ages.items():
                if acct_id == acct.id:
                    for key in iam.users[name].access_keys:
                        key.create_date = now - timedelta(days=days)
            # moto pre-creates an IAM Identity Center instance everywhere; DealLink has none
            for region in REGIONS:
                ssoadmin_backends[acct.id][region].instances.clear()


# --- the company -----------------------------------------------------------------------------


def seed(session: boto3.Session, *, backend_tweaks: bool | None = None) -> DemoOrg:
    """Build the DealLink org in the emulated AWS behind `session` (the management account).

    `backend_tweaks` (default: whenever moto runs in this process) sets what no API can:
    root MFA in the management account, a root access key in the sandbox, backdated access
    keys, no Identity Center, the management account's name. Against a moto server they are
    skipped and `expected`/`good` say what the server really shows.
    Refuses to run unless the endpoint is an emulator or moto's in-process mock is active.
    """
    probe = session.client("sts", region_name=PRIMARY_REGION)
    emulated, in_process = _emulated(probe.meta.endpoint_url)
    if not emulated:
        raise RuntimeError("refusing to seed the demo org into real AWS: start moto "
                           "(mock_aws or a moto server via AWS_ENDPOINT_URL) first")
    tweaks = in_process if backend_tweaks is None else backend_tweaks and in_process
    s = _Seeder(session, tweaks)
    s.emulated_server = not in_process
    mgmt_id = probe.get_caller_identity()["Account"]
    mgmt = _Acct("management", mgmt_id, "management", {})
    org_id, accounts, members = s.organization(mgmt)
    prod, staging, sandbox = members
    everyone = [mgmt, *members]
    for acct in everyone:
        s.iam_base(acct)

    # --- management: the parent account nobody mentioned ---
    s.user(mgmt, "daisuke.kobayashi", console=True, mfa=True, key="used", key_age=20,
           group="admins")  # the CTO
    s.user(mgmt, "haruka.sato", console=True, key="unused", key_age=45,
           group="admins")  # the tech lead
    s.bucket(mgmt, "deallink-mgmt-cloudtrail", encryption="aws:kms", policy=_trail_policy(
        "deallink-mgmt-cloudtrail", mgmt.id))
    s.bucket(mgmt, "deallink-mgmt-billing-reports", bpa=False, versioning=None)
    s.account_bpa(mgmt, on=False)
    s.trail(mgmt, "deallink-mgmt-cloudtrail", multi_region=True)
    s.judge("cloudtrail.enabled", mgmt, mgmt.id, False)
    s.regional_services(mgmt, config=set(), guardduty=set(), securityhub=set())

    # --- production: where the startups' and investors' data lives ---
    s.user(prod, "daisuke.kobayashi", console=True, mfa=True, group="admins")
    s.user(prod, "haruka.sato", console=True)
    s.user(prod, "kenji.tanaka", console=True, key="used", key_age=30)
    s.user(prod, "taro.yamada", console=True, mfa=True)  # the new SRE
    s.user(prod, "app-server", console=False, key="used", key_age=400, group="")
    s.user(prod, "legacy-ci", console=False, key="inactive", key_age=700, group="")
    s.account_bpa(prod, on=True)
    logs = LOG_BUCKET["prod"]
    s.bucket(prod, "deallink-prod-customer-documents", encryption="aws:kms",
             classification="confidential")
    s.bucket(prod, "deallink-prod-exports", versioning="Suspended",
             classification="confidential")
    s.bucket(prod, logs, policy=_log_policy(logs, prod.id))
    s.bucket(prod, "deallink-prod-static-assets", policy=_oac_policy(
        "deallink-prod-static-assets", prod.id), classification="public")
    s.bucket(prod, "deallink-prod-pipeline-artifacts")
    s.bucket(prod, "deallink-prod-backups-tokyo", region=SECOND_REGION, encryption="aws:kms",
             classification="confidential")
    net = s.network(prod, "10.10", flow_logs_to=logs)
    s.app_stack(prod, net, prod=True)
    s.function(prod, "deallink-prod-backup-verify", "checks the Tokyo backups nightly",
               region=SECOND_REGION)
    s.trail(prod, logs, multi_region=True)
    s.judge("cloudtrail.enabled", prod, prod.id, False)
    s.regional_services(prod, config={PRIMARY_REGION}, guardduty=set(REGIONS),
                        securityhub={PRIMARY_REGION}, inspector=frozenset({PRIMARY_REGION}))

    # --- staging: a copy of prod, with the shortcuts ---
    s.user(staging, "haruka.sato", console=True)
    s.user(staging, "kenji.tanaka", console=True)
    s.user(staging, "yui.suzuki", console=True)
    s.user(staging, "taro.yamada", console=True, mfa=True)
    s.user(staging, "app-server", console=False, key="used", key_age=200, group="")
    s.account_bpa(staging, on=False)
    s.bucket(staging, "deallink-staging-customer-documents", bpa=False, versioning=None,
             classification="confidential")
    s.bucket(staging, "deallink-staging-static-assets", bpa=False, versioning=None,
             acl="public-read", public=True, classification="public")
    s.bucket(staging, LOG_BUCKET["staging"], bpa=False, versioning=None)
    s.bucket(staging, "deallink-staging-pipeline-artifacts", bpa=False)
    net = s.network(staging, "10.20", flow_logs_to=None)
    s.app_stack(staging, net, prod=False)
    s.trail(staging, LOG_BUCKET["staging"], multi_region=False)
    s.judge("cloudtrail.enabled", staging, staging.id, True)
    s.regional_services(staging, config=set(), guardduty={PRIMARY_REGION}, securityhub=set())

    # --- sandbox: the other account nobody mentioned ---
    s.user(sandbox, "kenji.tanaka", console=True)
    s.user(sandbox, "yui.suzuki", console=True, key="unused", key_age=120)
    s.account_bpa(sandbox, on=False)
    s.bucket(sandbox, "deallink-sandbox-marketing-lp", bpa=False, versioning=None,
             encryption=None, policy=_public_read_policy("deallink-sandbox-marketing-lp"),
             public=True, classification="public")
    s.bucket(sandbox, "deallink-sandbox-scratch", bpa=False, versioning=None)
    s.bucket(sandbox, "deallink-sandbox-tokyo-datasets", region=SECOND_REGION, bpa=False,
             versioning=None)
    net = s.network(sandbox, "10.30", flow_logs_to=None)
    rdp = s.sg(sandbox, "launch-wizard-2", net.vpc, [{
        "IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389,
        "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}], ports_open=True,
        description="launch-wizard-2 created by the console")
    s.instance(sandbox, "windows-test", net.public[0], [rdp], instance_type="t3.medium")
    tokyo_vpc, tokyo_subnet = s.default_vpc(sandbox, SECOND_REGION)
    ssh = s.sg(sandbox, "launch-wizard-1", tokyo_vpc, [{
        "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
        "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}], region=SECOND_REGION, ssh_open=True,
        description="launch-wizard-1 created by the console")
    s.instance(sandbox, "ml-experiment", tokyo_subnet, [ssh], region=SECOND_REGION,
               instance_type="g4dn.xlarge")
    s.judge("vpc.flow_logs", sandbox, tokyo_vpc, True)  # a used default VPC
    s.ids["sandbox/default_vpc/ap-northeast-1"] = tokyo_vpc
    s.function(sandbox, "sandbox-slack-notifier", "posts deploys to Slack",
               region=SECOND_REGION)
    s.c(sandbox, "dynamodb").create_table(
        TableName="sandbox-prototype", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
    s.judge("cloudtrail.enabled", sandbox, sandbox.id, True)
    s.regional_services(sandbox, config=set(), guardduty=set(), securityhub=set())

    # --- what only the in-process backend can set; members' root users have no MFA ---
    if tweaks:
        s.backend(mgmt, sandbox, everyone)
        s.judge("sso.enabled", mgmt, mgmt.id, True)
    s.judge("iam.root_mfa", mgmt, mgmt.id, not tweaks)
    for acct in everyone:
        if acct is not mgmt:
            s.judge("iam.root_mfa", acct, acct.id, True)
        s.judge("iam.root_access_keys", acct, acct.id, tweaks and acct is sandbox)

    return DemoOrg(
        organization_id=org_id, accounts=accounts, regions=REGIONS,
        expected=s.expected, good=s.good, assets=_assets(accounts), ids=s.ids,
        backend_tweaks=tweaks)


def _trail_policy(bucket: str, account_id: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow",
         "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:GetBucketAcl",
         "Resource": f"arn:aws:s3:::{bucket}"},
        {"Sid": "AWSCloudTrailWrite", "Effect": "Allow",
         "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
         "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/{account_id}/*",
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}}]}


def _log_policy(bucket: str, account_id: str) -> dict[str, Any]:
    policy = _trail_policy(bucket, account_id)
    policy["Statement"] += [
        {"Sid": "ELBAccessLogs", "Effect": "Allow",
         "Principal": {"AWS": f"arn:aws:iam::{ELB_LOG_ACCOUNT}:root"}, "Action": "s3:PutObject",
         "Resource": f"arn:aws:s3:::{bucket}/alb/AWSLogs/{account_id}/*"},
        {"Sid": "DeliveryLogs", "Effect": "Allow",
         "Principal": {"Service": "delivery.logs.amazonaws.com"}, "Action": "s3:PutObject",
         "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/{account_id}/*"}]
    return policy


def _oac_policy(bucket: str, account_id: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{
        "Sid": "CloudFrontOAC", "Effect": "Allow",
        "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*",
        "Condition": {"StringLike": {
            "AWS:SourceArn": f"arn:aws:cloudfront::{account_id}:distribution/*"}}}]}


def _public_read_policy(bucket: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{
        "Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*"}]}


def _assets(accounts: dict[str, DemoAccount]) -> list[DemoAsset]:
    prod = accounts["production"].id
    staging = accounts["staging"].id
    return [
        DemoAsset("Data-room documents", 3,
                  "startups' decks, cap tables and contracts shared with investors",
                  ((prod, "deallink-prod-customer-documents"), (prod, "deallink-prod-exports"),
                   (prod, "deallink-prod-backups-tokyo"),
                   (staging, "deallink-staging-customer-documents"))),
        DemoAsset("Customer database", 3, "startup and investor accounts, deals, messages",
                  ((prod, "deallink-prod-db"), (prod, "deallink-prod-analytics"),
                   (staging, "deallink-staging-db"))),
        DemoAsset("Audit trail", 2, "who did what in AWS and in the product",
                  ((accounts["management"].id, "deallink-mgmt-cloudtrail"),
                   (prod, "deallink-prod-logs"), (prod, "deallink-prod-audit-events"))),
        DemoAsset("Marketing site", 1, "public landing pages and images",
                  ((accounts["sandbox"].id, "deallink-sandbox-marketing-lp"),
                   (prod, "deallink-prod-static-assets"))),
    ]


# --- in-process demo -------------------------------------------------------------------------

_FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": PRIMARY_REGION,
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    # moto otherwise loads ~1300 public AMIs (0.2 s) into every account × region it touches
    "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
}
_CLEARED = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
            "AWS_REGION", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "MOTO_ACCOUNT_ID")


@contextmanager
def build_in_process(seeder: Callable[[boto3.Session], DemoOrg] = seed) -> Iterator[DemoOrg]:
    """Fake credentials, moto's in-process mock, the seeded org; all undone on exit."""
    from moto import mock_aws

    names = [*_FAKE_ENV, *_CLEARED, *(k for k in os.environ if k.startswith("AWS_ENDPOINT_URL"))]
    saved = {name: os.environ.get(name) for name in names}
    try:
        for name in names:
            os.environ.pop(name, None)
        os.environ.update(_FAKE_ENV)
        with mock_aws():
            yield seeder(boto3.Session(region_name=PRIMARY_REGION))
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


# --- the production Terraform state the demo ships ----------------------------------------------

TERRAFORM_STATE = Path(__file__).with_name("demo_data") / "deallink-production.tfstate"
"""A state of part of the demo's production account, for the day-one import task."""

TERRAFORM_MANAGED: tuple[tuple[str, str, str, str, str], ...] = (
    # (module, Terraform type, Terraform name, id attribute, the id seed() gives it)
    ("", "aws_s3_bucket", "customer_documents", "bucket", "deallink-prod-customer-documents"),
    ("", "aws_s3_bucket", "static_assets", "bucket", "deallink-prod-static-assets"),
    ("", "aws_s3_bucket", "logs", "bucket", "deallink-prod-logs"),
    ("module.app", "aws_lb", "this", "name", "deallink-prod-alb"),
    ("module.app", "aws_lb_target_group", "web", "name", "deallink-prod-web"),
    ("module.app", "aws_db_instance", "main", "identifier", "deallink-prod-db"),
    ("module.app", "aws_elasticache_cluster", "sessions", "cluster_id", "deallink-prod-redis"),
    ("module.app", "aws_lambda_function", "pdf_watermark", "function_name",
     "deallink-prod-pdf-watermark"),
    ("module.app", "aws_dynamodb_table", "audit_events", "name", "deallink-prod-audit-events"),
    ("module.ci", "aws_codebuild_project", "build", "name", "deallink-prod-build"),
    ("", "aws_cloudtrail", "main", "name", "deallink-prod-trail"),
)
"""What the production stack's Terraform manages. Left out on purpose, as in the talk's
startup: the analytics database, the exports and pipeline buckets and the Tokyo backups
were made by hand. No ARNs: the emulated account ids change with every demo build, so the
state matches by type and id."""


def terraform_state() -> dict[str, Any]:
    """The shipped state file's content (a version-4 .tfstate), from TERRAFORM_MANAGED."""
    resources = []
    for module, tf_type, name, attr, ident in TERRAFORM_MANAGED:
        entry: dict[str, Any] = {"mode": "managed", "type": tf_type, "name": name,
                                 "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
                                 "instances": [{"schema_version": 0,
                                                "attributes": {"id": ident, attr: ident}}]}
        if module:
            entry = {"module": module, **entry}
        resources.append(entry)
    return {"version": 4, "terraform_version": "1.9.8", "serial": 42,
            "lineage": "5d0c6f0e-demo-4e8b-9a51-deallinkprod", "outputs": {},
            "resources": resources}
