"""Evaluator for iam.human_users: IAM users that belong to people (people belong in SSO).

A user is a person when it has a console password, or — without one — when another
read-only signal says so (tags, an email-shaped or first.last name, a people group, what
its key last called: `iam_identity.classify`). FAIL per person with a console password, and
per person without one who still holds an active access key (a developer with CLI keys is a
person with a long-lived credential: `aws sso login` replaces it). PASS otherwise; every
message names the signal that decided.
"""

from __future__ import annotations

from collections.abc import Iterator

from onboard.checks.base import Inventory, Outcome, check, error, fail, ok
from onboard.checks.iam_identity import classify
from onboard.i18n import _, ngettext


@check("iam.human_users", needs=("iam.user",))
def human_users(inventory: Inventory) -> Iterator[Outcome]:
    """FAIL per IAM user that is a person with a password or an active key; PASS otherwise."""
    for user in inventory.of("iam.user"):
        password = user.attrs.get("password_enabled")
        errors = user.attrs.get("errors") or {}
        if password is None:
            code = errors.get("login_profile", _("unknown"))
            yield error(user, _("user {user}: cannot tell whether it has a console password "
                                "(GetLoginProfile: {code})").format(user=user.id, code=code))
            continue
        if password:
            last = user.attrs.get("password_last_used")
            used = (_("last signed in {date}").format(date=last[:10]) if last
                    else _("no recorded sign-in"))
            yield fail(user, _("user {user} has a console password ({used}); people should "
                               "sign in through IAM Identity Center").format(user=user.id,
                                                                             used=used))
            continue
        who = classify(user)
        if who.kind != "person":
            yield ok(user, _("user {user} has no console password; {who}").format(
                user=user.id, who=who.describe()))
            continue
        if "access_keys" in errors:
            yield error(user, _("user {user} is {who}; cannot list its access keys "
                                "(ListAccessKeys: {code})").format(
                user=user.id, who=who.describe(), code=errors["access_keys"]))
            continue
        active = [k.get("id") or "?" for k in user.attrs.get("access_keys") or []
                  if k.get("status") == "Active"]
        if active:
            yield fail(user, ngettext(
                "user {user} has no console password but is {who} and holds {n} active access "
                "key ({keys}): a person's CLI access should come from IAM Identity Center "
                "(aws sso login)",
                "user {user} has no console password but is {who} and holds {n} active access "
                "keys ({keys}): a person's CLI access should come from IAM Identity Center "
                "(aws sso login)", len(active)).format(
                user=user.id, who=who.describe(), n=len(active), keys=", ".join(active)))
        else:
            yield ok(user, _("user {user} is {who} with no console password and no active "
                             "access key").format(user=user.id, who=who.describe()))

