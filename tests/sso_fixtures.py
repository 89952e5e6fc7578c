"""Hand-made inventories for the Identity Center kit's tests (no AWS)."""

from __future__ import annotations

from typing import Any

from onboard.checks.base import Inventory
from onboard.models import Account, Resource

MGMT, PROD, DEV = "111111111111", "222222222222", "333333333333"
ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
READONLY_ARN = "arn:aws:iam::aws:policy/ReadOnlyAccess"
INSTANCE = "arn:aws:sso:::instance/ssoins-1111"
STORE = "d-1234567890"


def allow(*actions: str) -> dict[str, Any]:
    return {"Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": "*"}]}


def user(account: str, name: str, *, password: bool | None = True, keys: list[dict] = (),
         tags: dict[str, str] | None = None, mfa: bool = False) -> Resource:
    return Resource(type="iam.user", id=name, name=name, account_id=account,
                    arn=f"arn:aws:iam::{account}:user/{name}",
                    attrs={"password_enabled": password, "mfa_active": mfa,
                           "access_keys": list(keys), "tags": tags or {}, "errors": {}})


def key(kid: str, status: str = "Active", service: str | None = None,
        last_used: str | None = None) -> dict[str, Any]:
    return {"id": kid, "status": status, "created": "2026-01-01T00:00:00+00:00",
            "last_used": last_used, "last_used_service": service}


def access(account: str, name: str, groups: list[str] = (), attached: list[str] = (),
           inline: dict[str, dict] | None = None) -> Resource:
    return Resource(type="iam.user_access", id=name, name=name, account_id=account,
                    attrs={"groups": list(groups),
                           "attached": [{"arn": a, "name": a.rsplit("/", 1)[-1]}
                                        for a in attached],
                           "inline": [{"name": k, "document": v}
                                      for k, v in (inline or {}).items()]})


def group(account: str, name: str, attached: list[str] = (), members: list[str] = (),
          inline: dict[str, dict] | None = None) -> Resource:
    return Resource(type="iam.group", id=name, name=name, account_id=account,
                    attrs={"attached": [{"arn": a, "name": a.rsplit("/", 1)[-1]}
                                        for a in attached],
                           "inline": [{"name": k, "document": v}
                                      for k, v in (inline or {}).items()],
                           "members": list(members)})


def policy(account: str, name: str, document: dict[str, Any], path: str = "/") -> Resource:
    return Resource(type="iam.policy", id=name, name=name, account_id=account,
                    arn=f"arn:aws:iam::{account}:policy{path}{name}",
                    attrs={"path": path, "document": document, "attachment_count": 1})


def cm(account: str, name: str) -> str:
    return f"arn:aws:iam::{account}:policy/{name}"


def accounts() -> list[Account]:
    return [Account(account_id=MGMT, name="Acme Management", environment="management"),
            Account(account_id=PROD, name="Acme Production", environment="prod"),
            Account(account_id=DEV, name="Acme Dev", environment="dev")]


def sso_region(account: str = MGMT, region: str = "us-east-1") -> Resource:
    return Resource(type="sso.region", id=region, account_id=account, region=region,
                    attrs={"instances": [{"arn": INSTANCE, "identity_store_id": STORE,
                                          "owner_account_id": account, "status": "ACTIVE"}],
                           "errors": {}})


def acme() -> list[Resource]:
    """Acme: alice (admin in mgmt + prod), bob and carol (developers in prod + dev),
    dave (read-only in prod), a CI user with a key, a leftover user with nothing."""
    dev_doc = allow("ec2:*", "s3:*")
    out: list[Resource] = []
    for acct in (MGMT, PROD, DEV):
        out.append(policy(acct, "Acme-developers", dev_doc))
    out += [
        user(MGMT, "alice", mfa=True), access(MGMT, "alice", ["admins"]),
        group(MGMT, "admins", [ADMIN_ARN], ["alice"]),
        user(PROD, "alice"), access(PROD, "alice", ["admins"]),
        group(PROD, "admins", [ADMIN_ARN], ["alice"]),
        group(PROD, "developers", [cm(PROD, "Acme-developers")], ["bob", "carol"]),
        group(DEV, "developers", [cm(DEV, "Acme-developers")], ["bob", "carol"]),
        user(PROD, "bob", keys=[key("AKIABOB1", service="s3", last_used="2026-11-20T00:00:00")]),
        access(PROD, "bob", ["developers"]),
        user(DEV, "bob"), access(DEV, "bob", ["developers"]),
        user(PROD, "carol"), access(PROD, "carol", ["developers"]),
        user(DEV, "carol"), access(DEV, "carol", ["developers"]),
        user(PROD, "dave"), access(PROD, "dave", attached=[READONLY_ARN]),
        user(PROD, "ci-deployer", password=False, keys=[key("AKIACI01")]),
        access(PROD, "ci-deployer", attached=[ADMIN_ARN]),
        user(DEV, "old-bot", password=False, keys=[key("AKIAOLD1", status="Inactive")]),
        access(DEV, "old-bot"),
    ]
    return out


def inventory(resources: list[Resource] | None = None) -> Inventory:
    return Inventory(acme() if resources is None else resources)
