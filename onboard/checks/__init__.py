"""Evaluators: one pure function per catalog check id, inventory in, findings out."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping

from onboard.checks.base import REGISTRY, CheckSpec, Inventory, Outcome, denied_by_scp, scp_action
from onboard.i18n import _
from onboard.models import CollectError, Finding, Severity, Status


def all_checks() -> dict[str, CheckSpec]:
    """Import every evaluator module once and return the registry, by check id."""
    for info in pkgutil.iter_modules(__path__):
        if info.name != "base":
            importlib.import_module(f"{__name__}.{info.name}")
    return dict(sorted(REGISTRY.items()))


def _error_resource_id(err: CollectError) -> str:
    return err.account_id if err.region == "global" else err.region


def _scope(region: str) -> str:
    return (_("its global services were") if region == "global"
            else _("region {region} was").format(region=region))


def _denied_by_scp(region: str, account_id: str, action: str) -> str:
    deny = (_("explicit deny on {action}").format(action=action) if action
            else _("explicit deny"))
    return _("denied by an SCP: {scope} not scanned in account {account} ({deny})").format(
        scope=_scope(region), account=account_id, deny=deny)


def evaluate(inventory: Inventory, severities: Mapping[str, Severity],
             only: set[str] | None = None, emulated: bool = False) -> list[Finding]:
    """Run every (or `only` the named) evaluator; collector failures become ERROR findings.

    Where a needed collector failed in an (account, region), the evaluator's outcomes for
    that (account, region) are replaced by one ERROR finding naming the AWS error code —
    or by one SKIPPED finding "denied by an SCP" when every such failure there is an
    explicit deny in a service (or resource) control policy: the organization closed that
    region or service on purpose, which is a coverage gap to say out loud, not a scan error.
    With `emulated` (the demo), a call the emulator does not implement gives one SKIPPED
    "not emulated" finding instead of an ERROR.
    """
    findings: list[Finding] = []
    for check_id, spec in all_checks().items():
        if only is not None and check_id not in only:
            continue
        severity = severities.get(check_id, Severity.MEDIUM)
        failed: dict[tuple[str, str], CollectError] = {}
        scp_only: dict[tuple[str, str], bool] = {}
        for err in inventory.errors_for(spec.needs):
            key = (err.account_id, err.region)
            failed.setdefault(key, err)
            scp_only[key] = scp_only.get(key, True) and denied_by_scp(err)
        failed_accounts = {acct for acct, region in failed if region == "global"}
        for out in spec.fn(inventory):
            if (out.account_id, out.region) in failed or out.account_id in failed_accounts:
                continue
            findings.append(_finding(check_id, severity, out))
        for (account_id, region), err in sorted(failed.items()):
            if emulated and not_emulated(err):
                findings.append(Finding(
                    check_id=check_id, status=Status.SKIPPED, severity=severity,
                    account_id=account_id, region=region,
                    resource_id=_error_resource_id(err),
                    message=_("not emulated: the demo's emulator does not implement "
                              "{collector} (against AWS this check runs)").format(
                                  collector=err.collector)))
                continue
            if scp_only[(account_id, region)]:
                action = scp_action(err)
                findings.append(Finding(
                    check_id=check_id, status=Status.SKIPPED, severity=severity,
                    account_id=account_id, region=region,
                    resource_id=_error_resource_id(err),
                    message=_denied_by_scp(region, account_id, action)))
                continue
            findings.append(Finding(
                check_id=check_id, status=Status.ERROR, severity=severity,
                account_id=account_id, region=region, resource_id=_error_resource_id(err),
                # the AWS error code stays in the text: the report reads it back
                message=" ".join(_("{collector} failed: {code}: {message}").format(
                    collector=err.collector, code=err.code, message=err.message)
                    .split())[:300],
            ))
    return findings


def not_emulated(err: CollectError) -> bool:
    """A failure that only says the endpoint lacks the API (moto: NotImplementedError, or
    HTTP 404/501 "Not yet implemented")."""
    text = f"{err.code} {err.message}".lower()
    return (err.code in ("NotImplemented", "NotImplementedError")
            or "not yet implemented" in text or "does not implement" in text)


def _finding(check_id: str, severity: Severity, out: Outcome) -> Finding:
    # model_construct: every value is already typed by Outcome; validation would cost
    # seconds on a 100k-resource estate.
    return Finding.model_construct(check_id=check_id, status=out.status, severity=severity,
                   account_id=out.account_id, region=out.region,
                   resource_id=out.resource_id, resource_arn=out.resource_arn,
                   resource_type=out.resource_type, message=" ".join(out.message.split()),
                   terraform_address=None)
