"""Evaluator for iam.workload_users: programmatic-only IAM users of workloads holding active keys.

In scope: users without a console password that `iam_identity.classify` does not place as a
person (those are iam.human_users' business: a developer with CLI keys needs SSO, not a
role). A workload's user — or one no signal can place — with an active key is a long-lived
secret: FAIL, use an IAM role (instance profile, task role, OIDC federation for CI). Without
an active key it holds no usable long-lived credential, so it PASSes here (an unused leftover
is a clean-up item, not this risk). Every message names the deciding signal.
"""

from __future__ import annotations

from collections.abc import Iterator

from onboard.checks.base import Inventory, Outcome, check, error, fail, ok
from onboard.checks.iam_identity import classify
from onboard.i18n import _


@check("iam.workload_users", needs=("iam.user",))
def workload_users(inventory: Inventory) -> Iterator[Outcome]:
    """FAIL per workload (or unplaceable) user with an active key; PASS per one without."""
    for user in inventory.of("iam.user"):
        password = user.attrs.get("password_enabled")
        errors = user.attrs.get("errors") or {}
        if password is True:
            continue
        if password is None:
            yield error(user, _("user {user}: cannot tell whether it has a console password "
                                "(GetLoginProfile: {code})").format(
                user=user.id, code=errors.get("login_profile", _("unknown"))))
            continue
        who = classify(user)
        if who.kind == "person":
            continue
        if "access_keys" in errors:
            yield error(user, _("user {user}: cannot list its access keys (ListAccessKeys: "
                                "{code})").format(user=user.id, code=errors["access_keys"]))
            continue
        active = [k["id"] for k in user.attrs.get("access_keys") or []
                  if k.get("status") == "Active"]
        why = (who.describe() if who.kind == "workload"
               else _("{who}, so treated as a workload").format(who=who.describe()))
        if active:
            yield fail(user, _("user {user} has no console password and {n} active access "
                               "key(s) ({keys}): looks like a workload's — use an IAM role "
                               "({why})").format(user=user.id, n=len(active),
                                                 keys=", ".join(active), why=why))
        else:
            yield ok(user, _("user {user} has no console password and no active access key "
                             "({why})").format(user=user.id, why=why))

