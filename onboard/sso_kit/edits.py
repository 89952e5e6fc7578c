"""Validated edits of the Identity Center plan, stored in the session (CLI and TUI share them).

An edit names what it changes by a key that survives rescans: a group's or permission set's
default key, an IAM user as `ACCOUNT/USER`. `save_edit` checks it against the current plan
and inventory and stores it, or raises `EditError` with a one-line message.
"""

from __future__ import annotations

import re

from onboard.checks.base import Inventory
from onboard.i18n import N_, _
from onboard.people import parse_user_key
from onboard.sso_kit.plan import IDENTITY_SOURCES, PS_NAME, Plan
from onboard.store import Store

USER_KINDS = ("move-user", "exclude-user", "break-glass")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class EditError(ValueError):
    """An edit that cannot be applied; the message is one line for the user."""


def _text(value: str, what: str, limit: int = 128) -> str:
    """`what` is a marked string (N_), named in the message in the current language."""
    value = value.strip()
    if not value or _CONTROL.search(value):
        raise EditError(_("{what} must be non-empty text on one line").format(what=_(what)))
    if len(value) > limit:
        raise EditError(_("{what} is at most {limit} characters").format(what=_(what),
                                                                        limit=limit))
    return value


def save_edit(store: Store, session_id: int, plan: Plan, inventory: Inventory, kind: str,
              target: str, value: str = "") -> tuple[str, str]:
    """Validate and store one edit; returns the (target, value) stored."""
    if kind == "identity-source":
        if target not in IDENTITY_SOURCES:
            raise EditError(_("identity source must be one of {sources}").format(
                sources="|".join(IDENTITY_SOURCES)))
        store.set_sso_edit(session_id, kind, "-", target)
        return "-", target
    if kind in ("rename-group", "rename-permission-set"):
        name = _text(value, N_("the new name"))
        items = plan.groups if kind == "rename-group" else plan.permission_sets
        match = next((i for i in items if target in (i.key, i.name)), None)
        if match is None:
            if kind == "rename-group":
                missing = (_("no group {target} in the plan (keys: {known})") if items else
                           _("no group {target} in the plan (keys: none)"))
            else:
                missing = (_("no permission set {target} in the plan (keys: {known})")
                           if items else
                           _("no permission set {target} in the plan (keys: none)"))
            raise EditError(missing.format(target=repr(target),
                                           known=", ".join(i.key for i in items)))
        if kind == "rename-permission-set" and not PS_NAME.match(name):
            raise EditError(_("{name} is not a permission set name: 1-32 letters, digits "
                              "or +=,.@_-").format(name=repr(name)))
        store.set_sso_edit(session_id, kind, match.key, name)
        return match.key, name
    if kind not in USER_KINDS:
        raise EditError(_("unknown edit {kind}").format(kind=repr(kind)))
    try:
        account, user = parse_user_key(target)
    except ValueError as exc:
        raise EditError(str(exc)) from None
    if inventory.get("iam.user", account, user) is None:
        raise EditError(_("the latest scan has no IAM user {user} in {account}").format(
            user=repr(user), account=account))
    key = f"{account}/{user}"
    if kind == "move-user":
        value = _text(value, N_("the person"))
    elif value.strip():
        value = _text(value, N_("the reason"), 300)
    store.set_sso_edit(session_id, kind, key, value.strip())
    return key, value.strip()
