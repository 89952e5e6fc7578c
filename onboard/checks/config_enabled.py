"""Evaluator for config.enabled: an AWS Config recorder is recording in each region.

PASS needs a customer-managed recorder that is recording, whose last recording attempt did
not fail, and that records *all supported resource types* (allSupported true, strategy
ALL_SUPPORTED_RESOURCE_TYPES): CIS v5.0 3.3 and Config.1 ask for every resource type. FAIL
when the region has no recorder, none is recording, the last attempt failed (lastStatus
Failure: nothing is recorded in practice), or the recording group is narrowed — to selected
types (inclusion) or by excluding some (exclusion): a change to an unrecorded type leaves no
history. A service-linked recorder (servicePrincipal set) records only what its service needs
and does not count. Global resource types (IAM) are not judged per region.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from onboard.checks.base import Inventory, Outcome, check, error, fail, ok
from onboard.i18n import _, ngettext


def records_everything(rec: dict[str, Any]) -> bool:
    return (rec.get("recording_strategy") in (None, "ALL_SUPPORTED_RESOURCE_TYPES")
            and bool(rec.get("all_supported", True)))


def _types(names: list[str]) -> str:
    shown = ", ".join(names[:3])
    return shown + (_(" +{n} more").format(n=len(names) - 3) if len(names) > 3 else "")


def _scope(rec: dict[str, Any]) -> str:
    if records_everything(rec):
        return _("all supported resource types")
    if rec.get("recording_strategy") == "EXCLUSION_BY_RESOURCE_TYPES":
        excluded = list(rec.get("excluded_types") or [])
        listed = f": {_types(excluded)}" if excluded else ""
        if not excluded:
            return _("all but some excluded resource types{listed}").format(listed=listed)
        return _("all but {n} excluded resource types{listed}").format(n=len(excluded),
                                                                       listed=listed)
    types = list(rec.get("resource_types") or [])
    return (ngettext("only {n} selected resource type", "only {n} selected resource types",
                     len(types)).format(n=len(types))
            + (f" ({_types(types)})" if types else ""))


@check("config.enabled", needs=("config.region",))
def config_enabled(inventory: Inventory) -> Iterator[Outcome]:
    """One finding per region."""
    for region in inventory.of("config.region"):
        everything = region.attrs.get("recorders") or []
        recorders = [r for r in everything if not r.get("service_principal")]
        errors = region.attrs.get("errors") or {}
        good = [r for r in recorders if r.get("recording") is True
                and str(r.get("last_status") or "").upper() != "FAILURE"]
        complete = [r for r in good if records_everything(r)]
        if complete:
            rec = complete[0]
            yield ok(region, _("recorder {name} is recording ({scope})").format(
                name=rec.get("name"), scope=_scope(rec)))
        elif good:
            rec = good[0]
            yield fail(region, _("recorder {name} is recording {scope}, not all supported "
                                 "resource types").format(name=rec.get("name"),
                                                          scope=_scope(rec)))
        elif any(r.get("recording") is None for r in recorders):
            yield error(region, _("cannot tell whether the Config recorder is recording "
                                  "(DescribeConfigurationRecorderStatus: {code})").format(
                code=errors.get("recorder_status", _("unknown"))))

        elif not recorders and everything:
            yield fail(region, _("only service-linked Config recorders ({names}), no recorder "
                                 "of your own").format(
                names=", ".join(str(r.get("name")) for r in everything)))
        elif not recorders:
            yield fail(region, _("no AWS Config recorder in this region"))
        else:
            rec = recorders[0]
            if rec.get("recording"):
                yield fail(region, _("recorder {name} is on but its last recording failed "
                                     "({code})").format(
                    name=rec.get("name"), code=rec.get("last_error_code") or "Failure"))
            else:
                yield fail(region, _("recorder {name} exists but is not recording").format(
                    name=rec.get("name")))

