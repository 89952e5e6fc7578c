"""IAM collector: the account's root user, summary and password policy, and every IAM user.

One collector, `iam.users` (global), produces two types from a handful of calls per account:
GetAccountSummary, GetAccountPasswordPolicy, GenerateCredentialReport (+ GetCredentialReport,
polled for at most REPORT_WAIT_SECONDS), GetAccountAuthorizationDetails(Filter=[User]) for the
authoritative user list with tags, and ListAccessKeys only for users the report shows with a
key (key ids are not in the report). Per-user calls are made only where the report cannot
answer: a user created after the report (full per-user lookup), a key created after the report
(GetAccessKeyLastUsed), and — when the report is older than REPORT_FRESH_SECONDS (AWS reuses a
report for up to 4 h) — a re-check of the state that would fail a check (console password,
missing MFA, never-used key), so a fix shows at the next scan. If the report cannot be had at
all, every user is looked up per user (GetLoginProfile, ListMFADevices, ListAccessKeys,
GetAccessKeyLastUsed).

`iam.account` (region "global", id = account id, arn = the root user's ARN); attrs:
  summary            dict from GetAccountSummary (SummaryMap), or None if that call failed
  root               the credential report's `<root_account>` row, parsed: "true"/"false" → bool,
                     "N/A"/"not_supported"/"no_information" → None, dates stay ISO strings
                     (mfa_active, password_enabled, password_last_used, access_key_1_active,
                     access_key_1_last_rotated, access_key_1_last_used_date, …, cert_2_active);
                     None when the report has no root row or could not be read
  password_policy    dict from GetAccountPasswordPolicy, or None when no policy is set
  credential_report  {"generated": ISO or None, "stale": bool} or None if it could not be read
  errors             {"account_summary" | "password_policy" | "credential_report": error code}

`iam.user` (region "global", id = name = UserName, arn = user ARN); attrs:
  password_enabled       bool (console password), None if it could not be read
  password_last_used     ISO or None (never, or not known: the per-user fallback has no source)
  password_last_changed  ISO or None
  mfa_active             bool, None if it could not be read
  access_keys            list of {id, status "Active"/"Inactive", created ISO,
                         last_used ISO or None (never used), last_used_service str or None,
                         last_used_region str or None}
  created                ISO
  tags                   dict
  groups                 names of the IAM groups the user belongs to (GroupList of
                         GetAccountAuthorizationDetails: no extra call)
  source                 "credential_report" or "api" (per-user lookups)
  errors                 {"login_profile" | "mfa_devices" | "access_keys" |
                          "last_used:<key id>": error code}
"""

from __future__ import annotations

import csv
import io
import time
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from onboard.aws.collect.base import Context, collector, detail, error_code, paginate, tags_dict
from onboard.models import GLOBAL, Resource

REPORT_WAIT_SECONDS = 10.0
"""How long to wait for AWS to finish generating the credential report."""
REPORT_FRESH_SECONDS = 300
"""A report older than this may predate a fix; failing states are then re-checked live."""
ROOT_ROW = "<root_account>"
_NONE_VALUES = {"N/A", "not_supported", "no_information", ""}
_NOT_READY = {"ReportInProgress", "ReportNotPresent", "ReportExpired"}


class ReportUnavailable(Exception):
    """The credential report could not be read; `code` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


def iso(value: Any) -> str | None:
    """A datetime or an ISO string as an ISO-8601 string in UTC (None stays None)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()
    return str(value)


def _parse_value(value: str) -> Any:
    if value in _NONE_VALUES:
        return None
    if value in ("true", "TRUE"):
        return True
    if value in ("false", "FALSE"):
        return False
    return value


def parse_report(content: bytes | str) -> dict[str, dict[str, Any]]:
    """The credential report CSV as {user name: parsed row}."""
    text = content.decode("utf-8") if isinstance(content, bytes) else content
    rows: dict[str, dict[str, Any]] = {}
    for raw in csv.DictReader(io.StringIO(text)):
        row = {k: _parse_value(v or "") for k, v in raw.items() if k}
        rows[str(raw.get("user", ""))] = row
    return rows


def fetch_credential_report(iam: Any) -> tuple[dict[str, dict[str, Any]], datetime | None]:
    """Generate (or reuse) the credential report and read it, waiting a bounded time."""
    deadline = time.monotonic() + REPORT_WAIT_SECONDS
    delay = 0.5
    try:
        state = iam.generate_credential_report().get("State")
    except ClientError as exc:
        raise ReportUnavailable(error_code(exc)) from exc
    while True:
        try:
            resp = iam.get_credential_report()
            break
        except ClientError as exc:
            code = error_code(exc)
            if code not in _NOT_READY:
                raise ReportUnavailable(code) from exc
            if time.monotonic() + delay > deadline:
                raise ReportUnavailable(f"Timeout:{state}") from exc
            _sleep(delay)
            delay = min(delay * 2, 2.0)
            if code != "ReportInProgress":
                try:
                    state = iam.generate_credential_report().get("State")
                except ClientError as gen_exc:
                    raise ReportUnavailable(error_code(gen_exc)) from gen_exc
    generated = resp.get("GeneratedTime")
    if isinstance(generated, datetime) and generated.tzinfo is None:
        generated = generated.replace(tzinfo=UTC)
    return parse_report(resp.get("Content", b"")), generated


def _account(ctx: Context, iam: Any) -> tuple[Resource, dict[str, dict[str, Any]] | None,
                                               bool]:
    """The iam.account record, plus the report rows (None if unavailable) and staleness."""
    errors: dict[str, str] = {}
    summary = detail(errors, "account_summary",
                     lambda: iam.get_account_summary()["SummaryMap"])
    policy = detail(errors, "password_policy",
                    lambda: iam.get_account_password_policy()["PasswordPolicy"],
                    missing=("NoSuchEntity",))
    rows: dict[str, dict[str, Any]] | None = None
    report_info: dict[str, Any] | None = None
    stale = True
    try:
        rows, generated = fetch_credential_report(iam)
    except ReportUnavailable as exc:
        errors["credential_report"] = exc.code
    except NotImplementedError:
        errors["credential_report"] = "NotImplemented"
    else:
        if generated is not None:
            stale = (datetime.now(UTC) - generated).total_seconds() > REPORT_FRESH_SECONDS
        report_info = {"generated": iso(generated), "stale": stale}
    root = rows.get(ROOT_ROW) if rows is not None else None
    record = Resource(
        type="iam.account", id=ctx.account_id, account_id=ctx.account_id, region=GLOBAL,
        arn=ctx.arn("iam", "root", account=ctx.account_id), name=ctx.account_id,
        attrs={"summary": summary, "root": root, "password_policy": policy,
               "credential_report": report_info, "errors": errors},
    )
    return record, rows, stale


def _last_used(iam: Any, key_id: str, errors: dict[str, str]
               ) -> tuple[str | None, str | None, str | None]:
    """(last used ISO, service, region) of one key from GetAccessKeyLastUsed."""
    resp = detail(errors, f"last_used:{key_id}",
                  lambda: iam.get_access_key_last_used(AccessKeyId=key_id))
    if resp is None:
        return None, None, None
    info = resp.get("AccessKeyLastUsed", {})
    service, region = info.get("ServiceName"), info.get("Region")
    return (iso(info.get("LastUsedDate")), None if service in _NONE_VALUES else service,
            None if region in _NONE_VALUES else region)


def _list_keys(iam: Any, user: str, errors: dict[str, str]) -> list[dict[str, Any]] | None:
    return detail(errors, "access_keys", lambda: list(paginate(
        iam, "list_access_keys", "AccessKeyMetadata", UserName=user,
        PaginationConfig={"PageSize": 1000})))


def _report_slots(row: dict[str, Any]) -> list[dict[str, Any]]:
    slots = []
    for n in (1, 2):
        created = row.get(f"access_key_{n}_last_rotated")
        if created is None:
            continue
        slots.append({"created": _parse_dt(created),
                      "last_used": row.get(f"access_key_{n}_last_used_date"),
                      "service": row.get(f"access_key_{n}_last_used_service"),
                      "region": row.get(f"access_key_{n}_last_used_region")})
    return slots


def _parse_dt(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _keys_from_report(iam: Any, user: str, row: dict[str, Any], stale: bool,
                      errors: dict[str, str]) -> list[dict[str, Any]]:
    slots = _report_slots(row)
    if not slots:
        return []
    listed = _list_keys(iam, user, errors)
    if listed is None:
        return []
    keys = []
    used: set[int] = set()
    for meta in sorted(listed, key=lambda m: m["CreateDate"]):
        created = _parse_dt(meta["CreateDate"])
        created_s = created.replace(microsecond=0) if created else None
        slot = next((i for i, s in enumerate(slots) if i not in used and s["created"]
                     and s["created"].replace(microsecond=0) == created_s), None)
        key = {"id": meta["AccessKeyId"], "status": meta["Status"], "created": iso(created)}
        if slot is not None:
            used.add(slot)
        if slot is None or (stale and meta["Status"] == "Active"
                            and slots[slot]["last_used"] is None):
            # Newer than the report, or "never used" in a report that may be hours old.
            (key["last_used"], key["last_used_service"],
             key["last_used_region"]) = _last_used(iam, meta["AccessKeyId"], errors)
        else:
            key["last_used"] = iso(slots[slot]["last_used"])
            key["last_used_service"] = slots[slot]["service"]
            key["last_used_region"] = slots[slot]["region"]
        keys.append(key)
    return keys


def _keys_per_user(iam: Any, user: str, errors: dict[str, str]) -> list[dict[str, Any]]:
    listed = _list_keys(iam, user, errors) or []
    keys = []
    for meta in listed:
        last_used, service, region = _last_used(iam, meta["AccessKeyId"], errors)
        keys.append({"id": meta["AccessKeyId"], "status": meta["Status"],
                     "created": iso(meta["CreateDate"]), "last_used": last_used,
                     "last_used_service": service, "last_used_region": region})
    return keys


def _has_password(iam: Any, user: str, errors: dict[str, str]) -> bool | None:
    try:
        iam.get_login_profile(UserName=user)
    except ClientError as exc:
        code = error_code(exc)
        if code == "NoSuchEntity":
            return False
        errors["login_profile"] = code
        return None
    except NotImplementedError:
        errors["login_profile"] = "NotImplemented"
        return None
    return True


def _has_mfa(iam: Any, user: str, errors: dict[str, str]) -> bool | None:
    devices = detail(errors, "mfa_devices", lambda: list(paginate(
        iam, "list_mfa_devices", "MFADevices", UserName=user,
        PaginationConfig={"PageSize": 1000})))
    return None if devices is None else bool(devices)


def _user_attrs(iam: Any, name: str, row: dict[str, Any] | None, stale: bool
                ) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if row is None:
        password = _has_password(iam, name, errors)
        return {"password_enabled": password, "password_last_used": None,
                "password_last_changed": None, "mfa_active": _has_mfa(iam, name, errors),
                "access_keys": _keys_per_user(iam, name, errors), "source": "api",
                "errors": errors}
    password = row.get("password_enabled") is True
    mfa: bool | None = row.get("mfa_active") is True
    if stale and password:
        # Re-check live what would fail: the password may have been removed since.
        password = _has_password(iam, name, errors)
        if password and not mfa:
            mfa = _has_mfa(iam, name, errors)
    return {"password_enabled": password,
            "password_last_used": iso(row.get("password_last_used")),
            "password_last_changed": iso(row.get("password_last_changed")),
            "mfa_active": mfa,
            "access_keys": _keys_from_report(iam, name, row, stale, errors),
            "source": "credential_report", "errors": errors}


@collector("iam.users", scope="global", produces=("iam.account", "iam.user"), calls=(
    "iam:GetAccountSummary", "iam:GetAccountPasswordPolicy", "iam:GenerateCredentialReport",
    "iam:GetCredentialReport", "iam:GetAccountAuthorizationDetails", "iam:ListAccessKeys",
    "iam:GetAccessKeyLastUsed", "iam:GetLoginProfile", "iam:ListMFADevices",
))
def collect_iam(ctx: Context) -> list[Resource]:
    """iam.account and every iam.user of the account (credential report first)."""
    iam = ctx.client("iam")
    account, rows, stale = _account(ctx, iam)
    users = list(paginate(iam, "get_account_authorization_details", "UserDetailList",
                          Filter=["User"], PaginationConfig={"PageSize": 1000}))
    out = [account]
    for user in users:
        name = user["UserName"]
        row = rows.get(name) if rows is not None else None
        attrs = _user_attrs(iam, name, row, stale)
        attrs["created"] = iso(user.get("CreateDate"))
        attrs["tags"] = tags_dict(user.get("Tags"))
        attrs["groups"] = [str(g) for g in user.get("GroupList") or []]
        out.append(Resource(type="iam.user", id=name, account_id=ctx.account_id,
                            region=GLOBAL, arn=user.get("Arn"), name=name, attrs=attrs))
    return out
