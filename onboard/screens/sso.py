"""Identity Center: the migration plan from today's IAM users, and the edits that shape it.

Shows the plan of `onboard sso plan` (people, groups, permission sets, assignments, users
left out) and edits it: rename a group or permission set (e), move an IAM user to another
person (m), exclude a user (x) or keep one as the break-glass user (g), forget the edits of
a row (z). Edits are stored in the session (`sso_kit.edits`) and survive rescans. The plan
is built in a worker; nothing here calls AWS or writes SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Static

from onboard.i18n import N_, _
from onboard.people import detail_label, rule_label
from onboard.screens.base import OnboardScreen
from onboard.screens.widgets import KeysFooter, SafeDataTable, SafeInput, SafeLabel, SafeStatic
from onboard.screens.words import C_, word
from onboard.sso_kit.edits import EditError
from onboard.sso_kit.load import NoScan, load
from onboard.sso_kit.plan import Plan
from onboard.sso_kit.render import group_description, header

KIND_WORDS = {"group": N_("SSO row|group"), "permission set": N_("SSO row|permission set"),
              "user": N_("SSO row|person"), "excluded": N_("SSO row|left out")}
"""A row's kind → the word in its first column (English: the cell as rows_of wrote it)."""
EDIT_WORDS = {"rename-group": N_("SSO edit|rename-group"),
              "rename-permission-set": N_("SSO edit|rename-permission-set"),
              "move-user": N_("SSO edit|move-user"),
              "exclude-user": N_("SSO edit|exclude-user"),
              "break-glass": N_("SSO edit|break-glass")}
"""Stored edit kinds (codes, as `onboard sso` names them) → the words a toast shows."""
COLUMNS = (("what", N_("SSO column|what"), 15), ("name", N_("SSO column|name"), 24),
           ("holds / where", N_("SSO column|holds / where"), 40),
           ("why", N_("SSO column|why"), 0))


@dataclass(frozen=True)
class Row:
    kind: str  # group | permission set | user | excluded
    key: str  # group / permission set key, or ACCOUNT/USER
    cells: tuple[str, str, str, str]
    edit_kinds: tuple[str, ...]  # stored edit kinds `z` forgets for this row


class PlanLoaded(Message):
    def __init__(self, plan: Plan | None, inventory: Any, problem: str = "") -> None:
        super().__init__()
        self.plan, self.inventory, self.problem = plan, inventory, problem


class EditDone(Message):
    def __init__(self, text: str, ok: bool) -> None:
        super().__init__()
        self.text, self.ok = text, ok


LEFT_OUT_WORDS = {"workload": N_("SSO left out|workload"),
                  "no-credentials": N_("SSO left out|no credentials"),
                  "break-glass": N_("SSO left out|break-glass"),
                  "excluded": N_("SSO left out|excluded"),
                  "unreadable": N_("SSO left out|unreadable")}
"""Why an IAM user is left out of the plan (the plan's codes) → the word shown."""


def rows_of(plan: Plan) -> list[Row]:
    """The table's rows: groups, permission sets, each person's IAM users, users left out."""
    out: list[Row] = []
    for g in plan.groups:
        out.append(Row("group", g.key, ("group", g.name, ", ".join(g.members),
                                        group_description(plan, g)), ("rename-group",)))
    for ps in plan.permission_sets:
        out.append(Row("permission set", ps.key, (
            "permission set", ps.name, ps.session_duration,
            ", ".join(r.label for r in sorted(ps.policies))), ("rename-permission-set",)))
    for p in plan.people:
        for m in p.users:
            out.append(Row("user", m.user.key, (
                "person", p.id, f"{m.user.user_name} @ {plan.account_label(m.user.account_id)}",
                f"{rule_label(m.rule)}: {detail_label(m)}"), ("move-user",)))
    for e in plan.excluded:
        key = f"{e.account_id}/{e.user_name}"
        out.append(Row("excluded", key, (
            "left out", e.user_name, plan.account_label(e.account_id),
            f"{word(LEFT_OUT_WORDS, e.kind)}: {e.reason}"),
            ("exclude-user", "break-glass", "move-user")))
    return out


class AskModal(ModalScreen[str | None]):
    """One line of text (a new name, a person id, a reason)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, title: str, value: str = "") -> None:
        super().__init__()
        self.title_text, self.value = title, value

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield SafeLabel(Text(self.title_text), classes="dialog-title")
            yield SafeInput(self.value, id="ask-value")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Save"), variant="primary", id="ok")
                yield Button(_("Cancel"), id="cancel")
        yield KeysFooter()

    @on(Button.Pressed, "#ok")
    @on(Input.Submitted)
    def _ok(self) -> None:
        self.dismiss(self.query_one(Input).value)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class SsoScreen(OnboardScreen):
    SCREEN_ID = "sso"
    HELP = N_("""
## Identity Center — from IAM users to one sign-in
The talk's first decision: people stop signing in as IAM users and use IAM Identity Center.
This is the plan built from the latest scan: each **person** (IAM users joined across
accounts by the same name, an email tag or your move), the **groups** of people who hold
the same access, one **permission set** per distinct set of policies, and one assignment
per group × permission set × account: today's access, nothing more. Workload users (no
console password, an active key) are left out: they need an IAM role.

**e** renames a group or permission set · **u** moves an IAM user to another person ·
**-** leaves a user out · **g** keeps a user as the break-glass user · **z** forgets the
row's edits. Then `onboard sso terraform -o DIR`, `sso profiles`, `sso cutover`.
""")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "rename", N_("Rename")),
        Binding("u", "move", N_("Move user")),
        Binding("minus", "exclude", N_("Leave out"), key_display="-"),
        Binding("g", "break_glass", N_("Break-glass")),
        Binding("z", "forget", N_("Forget edits")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.plan: Plan | None = None
        self.inventory: Any = None
        self.rows: list[Row] = []

    def on_screen_resume(self) -> None:
        self.query_one("NavTabs").active = "tab-sso"  # type: ignore[attr-defined]

    def compose_body(self) -> ComposeResult:
        with Vertical(id="sso-body"):
            yield SafeStatic(id="sso-summary")
            yield SafeDataTable(id="sso-rows", cursor_type="row", zebra_stripes=True)
            yield SafeStatic(id="sso-warnings")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, label, width in COLUMNS:
            table.add_column(C_(label), key=key, width=width or None)
        self.reload()

    def reload(self) -> None:
        self._load(self.oapp.session.id)

    @work(thread=True, exclusive=True, group="sso-load", exit_on_error=False)
    def _load(self, session_id: int) -> None:
        try:
            plan, inventory = load(self.oapp.store, session_id)
        except NoScan as exc:
            self.post(PlanLoaded(None, None, str(exc)))
            return
        self.post(PlanLoaded(plan, inventory))

    def on_plan_loaded(self, message: PlanLoaded) -> None:
        table = self.query_one(DataTable)
        current = self._current()
        self.plan, self.inventory = message.plan, message.inventory
        table.clear()
        summary = self.query_one("#sso-summary", Static)
        if self.plan is None:
            self.rows = []
            summary.update(Text(message.problem, style="italic"))
            return
        self.rows = rows_of(self.plan)
        for i, row in enumerate(self.rows):
            cells = (word(KIND_WORDS, row.kind), *row.cells[1:])
            table.add_row(*(Text(c) for c in cells), key=str(i))
        if current is not None:
            same = next((i for i, r in enumerate(self.rows)
                         if (r.kind, r.key) == (current.kind, current.key)), None)
            if same is not None:
                table.move_cursor(row=same)
        p = self.plan
        summary.update(Text("\n".join([
            *header(p), _("{people} people · {groups} groups · {permission_sets} permission "
                          "sets · {assignments} assignments · {excluded} IAM users left out")
            .format(people=len(p.people), groups=len(p.groups),
                    permission_sets=len(p.permission_sets), assignments=len(p.assignments),
                    excluded=len(p.excluded))])))
        self.query_one("#sso-warnings", Static).update(
            Text("\n".join(f"• {w}" for w in p.warnings), style="#ffaf5f"))

    def _current(self) -> Row | None:
        table = self.query_one(DataTable)
        if not self.rows or table.row_count == 0:
            return None
        return self.rows[table.cursor_row] if table.cursor_row < len(self.rows) else None

    def _ask(self, title: str, value: str, then: Any) -> None:
        def done(result: str | None) -> None:
            if result is not None:
                then(result)

        self.app.push_screen(AskModal(title, value), done)

    def action_rename(self) -> None:
        row = self._current()
        if row is None or row.kind not in ("group", "permission set"):
            self.notify(_("e renames a group or a permission set row."), severity="warning")
            return
        kind = "rename-group" if row.kind == "group" else "rename-permission-set"
        title = (_("New name for the group {key}") if row.kind == "group"
                 else _("New name for the permission set {key}")).format(key=row.key)
        self._ask(title, row.cells[1],
                  lambda name: self._save(kind, row.key, name))

    def action_move(self) -> None:
        row = self._current()
        if row is None or row.kind not in ("user", "excluded"):
            self.notify(_("m moves an IAM user row to a person."), severity="warning")
            return
        self._ask(_("Person for IAM user {key} (an existing person id or a new one)")
                  .format(key=row.key),
                  row.cells[1] if row.kind == "user" else "",
                  lambda person: self._save("move-user", row.key, person))

    def action_exclude(self) -> None:
        row = self._current()
        if row is None or row.kind != "user":
            self.notify(_("x leaves out a person's IAM user row."), severity="warning")
            return
        self._ask(_("Why leave {key} out of Identity Center?").format(key=row.key), "",
                  lambda reason: self._save("exclude-user", row.key, reason))

    def action_break_glass(self) -> None:
        row = self._current()
        if row is None or row.kind != "user":
            self.notify(_("g keeps a person's IAM user row as the break-glass user."),
                        severity="warning")
            return
        self._save("break-glass", row.key, "")

    def action_forget(self) -> None:
        row = self._current()
        if row is not None:
            self._forget(row)

    @work(thread=True, group="sso-write", exit_on_error=False)
    def _save(self, kind: str, target: str, value: str) -> None:
        if self.plan is None:
            return
        try:
            key, stored = self.oapp.ws.save_sso_edit(self.plan, self.inventory, kind,
                                                     target, value)
        except EditError as exc:
            self.post(EditDone(str(exc), False))
            return
        self.post(EditDone(f"{word(EDIT_WORDS, kind)} {key}"
                           f"{' → ' + stored if stored else ''}", True))

    @work(thread=True, group="sso-write", exit_on_error=False)
    def _forget(self, row: Row) -> None:
        gone = [k for k in row.edit_kinds if self.oapp.ws.forget_sso_edit(k, row.key)]
        self.post(EditDone(_("forgot {edits} of {key}").format(
            edits=", ".join(word(EDIT_WORDS, k) for k in gone), key=row.key) if gone
            else _("{key} has no stored edit").format(key=row.key), bool(gone)))

    def on_edit_done(self, message: EditDone) -> None:
        self.notify(message.text, severity="information" if message.ok else "error",
                    markup=False)
        if message.ok:
            self.reload()
