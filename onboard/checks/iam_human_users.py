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


@check("iam.human_users", needs=("iam.user",))
def human_users(inventory: Inventory) -> Iterator[Outcome]:
    """FAIL per IAM user that is a person with a password or an active key; PASS otherwise."""
    for user in inventory.of("iam.user"):
        password = user.attrs.get("password_enabled")
        errors = user.attrs.get("errors") or {}
        if password is None:
            code = errors.get("login_profile", "unknown")
            yield error(user, f"user {user.id}: cannot tell whether it has a console password "
                              f"(GetLoginProfile: {code})")
            continue
        if password:
            last = user.attrs.get("password_last_used")
            used = f"last signed in {last[:10]}" if last else "no recorded sign-in"
            yield fail(user, f"user {user.id} has a console password ({used}); people should "
                             "sign in through IAM Identity Center")
            continue
        who = classify(user)
        if who.kind != "person":
            yield ok(user, f"user {user.id} has no console password; {who.describe()}")
            continue
        if "access_keys" in errors:
            yield error(user, f"user {user.id} is {who.describe()}; cannot list its access "
                              f"keys (ListAccessKeys: {errors['access_keys']})")
            continue
        active = [k.get("id") or "?" for k in user.attrs.get("access_keys") or []
                  if k.get("status") == "Active"]
        if active:
            yield fail(user, f"user {user.id} has no console password but is {who.describe()} "
                             f"and holds {len(active)} active access "
                             f"{'key' if len(active) == 1 else 'keys'} ({', '.join(active)}): "
                             "a person's CLI access should come from IAM Identity Center "
                             "(aws sso login)")
        else:
            yield ok(user, f"user {user.id} is {who.describe()} with no console password and "
                           "no active access key")
