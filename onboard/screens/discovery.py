"""Discovery: every AWS account, where it came from, whether onboard can get in."""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from onboard.i18n import N_, _
from onboard.labels import ENVIRONMENT
from onboard.models import Account
from onboard.screens.base import OnboardScreen
from onboard.screens.modals import AccountModal
from onboard.screens.widgets import SafeDataTable, SafeStatic, plain
from onboard.screens.words import word
from onboard.textsafe import visible


def tip() -> Text:
    """The talk's advice on asking for the management account, in plain words."""
    return Text.assemble(
        (_("Speaking only in exact AWS terms may not land.") + " ", ""),
        (_("Instead of") + " ", "dim"),
        (_("“Please give me an IAM user in the Organizations management account”"), "italic"),
        (" " + _("(blank look), try:") + "\n", "dim"),
        (_("“There's a kind of parent account over all our AWS accounts, right? The one "
           "that can see every account's bills. Could I get a user there?”"), "bold italic"),
    )


ACCESS_STYLES = {"ok": "#87d787", "denied": "bold #ff5f87", "skipped": "dim"}
ACCESS_WORDS = {"ok": N_("Discovery access|ok"), "denied": N_("Discovery access|denied"),
                "skipped": N_("Discovery access|not tried")}
"""The words of guide.ACCESS_LABELS, per access code."""
SOURCE_WORDS = {"organizations": N_("Discovery source|Organizations"),
                "caller": N_("Discovery source|caller"),
                "manual": N_("Discovery source|added by hand"),
                "interview": N_("Discovery source|interview")}
"""The words of guide.SOURCE_LABELS, per source code."""
ENVIRONMENT_WORDS = ENVIRONMENT
"""The words of the environments, shared with the report and the CLI."""


class AccountsLoaded(Message):
    def __init__(self, accounts: list[Account], caller: str) -> None:
        super().__init__()
        self.accounts = accounts
        self.caller = caller


def is_hidden(account: Account, caller: str = "") -> bool:
    """Found by Organizations, not known before and not the account you scan from: the
    talk's management and sandbox accounts."""
    return (account.source == "organizations" and not account.known_before
            and account.account_id != caller)


class DiscoveryScreen(OnboardScreen):
    SCREEN_ID = "discovery"
    CSS_PATH = "discovery.tcss"
    HELP = N_("""
## Discovery — which AWS accounts exist?
You were probably given access to one or two accounts (say production and staging). In
the talk, the interview and Organizations revealed two more: a **management account**
(the parent that sees every bill) and a **sandbox**. Every account is in scope.

Accounts come from AWS Organizations (on a scan), from the credentials you scan with
(*caller*), from you (*added by hand*) or from an interview answer. **★ new** marks
an account Organizations listed that nobody had told you about (**space**: you knew it).
*Access* says whether the scan could get in (*denied*: the role to assume is missing
or not trusted).

Set each account's environment (management / prod / staging / sandbox / dev) with **e**:
it decides how much each finding matters.
""")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", N_("Add account")),
        Binding("e", "edit", N_("Edit")),
        Binding("r", "app.run_scan_here", N_("Run scan")),
        Binding("space", "toggle_known", N_("Knew it"), key_display="space"),
        Binding("delete", "delete", N_("Remove"), key_display="del"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.accounts: list[Account] = []
        self.caller = ""

    def compose_body(self) -> ComposeResult:
        with Vertical(id="discovery-body"):
            yield SafeStatic(id="discovery-summary")
            yield SafeDataTable(id="accounts", cursor_type="row", zebra_stripes=True)
            with Horizontal(id="discovery-bottom"):
                yield SafeStatic(id="account-detail")
                box = SafeStatic(tip(), id="interview-tip", classes="tip")
                box.border_title = _("Interview tip")
                yield box

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("", key="mark", width=5)
        table.add_column(_("Account id"), key="id", width=14)
        table.add_column(_("Name"), key="name", width=22)
        table.add_column(_("Environment"), key="env", width=max(
            12, *(cell_len(word(ENVIRONMENT_WORDS, e)) for e in ENVIRONMENT_WORDS)))
        table.add_column(_("Source"), key="source", width=14)
        table.add_column(_("Access"), key="access", width=10)
        table.add_column(_("Email / OU"), key="email")
        self.reload()

    def on_screen_resume(self) -> None:
        self.query_one("NavTabs").active = "tab-discovery"  # type: ignore[attr-defined]

    def reload(self) -> None:
        self._load(self.oapp.session.id)

    @work(thread=True, exclusive=True, group="discovery-load", exit_on_error=False)
    def _load(self, session_id: int) -> None:
        store = self.oapp.store
        scan = store.latest_scan(session_id)
        caller = scan.identity.get("account_id", "") if scan else ""
        self.post(AccountsLoaded(store.accounts(session_id), caller))

    def on_accounts_loaded(self, message: AccountsLoaded) -> None:
        self.accounts, self.caller = message.accounts, message.caller
        table = self.query_one(DataTable)
        keep = self.oapp.ui_state.account
        current = self._current()
        if current is not None:
            keep = current.account_id
        table.clear()
        for acc in self.accounts:
            table.add_row(*self._cells(acc), key=acc.account_id)
        if keep and keep in {a.account_id for a in self.accounts}:
            table.move_cursor(row=table.get_row_index(keep))
        hidden = [a for a in self.accounts if is_hidden(a, self.caller)]
        summary = Text.assemble((_("{n} accounts").format(n=len(self.accounts)), "bold"))
        if not self.accounts:
            summary = Text(_("No accounts yet. First add the accounts you were given (a), "
                             "then scan (r): Organizations lists the rest, and the ones "
                             "nobody told you about get a ★."), style="italic")
        elif hidden:
            summary.append("  ·  " + _("★ {n} you were not told about:").format(
                n=len(hidden)) + " ", "#ffaf5f")
            summary.append(visible(", ".join(a.name or a.account_id for a in hidden)),
                           "bold #ffaf5f")
        denied = [a for a in self.accounts if a.access == "denied"]
        if denied:
            summary.append("  ·  " + _("{n} without access").format(n=len(denied)),
                           "#ff5f87")
        self.query_one("#discovery-summary", Static).update(summary)
        self._show_detail()

    def _cells(self, acc: Account) -> list[Text | str]:
        mark = Text(_("★ new"), "bold #ffaf5f") if is_hidden(acc, self.caller) else Text("")
        env = Text(word(ENVIRONMENT_WORDS, acc.environment),
                   "bold" if acc.environment == "management" else "")
        access = Text(word(ACCESS_WORDS, acc.access), ACCESS_STYLES.get(acc.access, ""))
        extra = " · ".join(x for x in (acc.email, acc.ou) if x)
        return [mark, plain(acc.account_id),
                plain(acc.name) if acc.name else Text(_("(no name)"), "dim italic"), env,
                Text(word(SOURCE_WORDS, acc.source)), access, plain(extra)]

    def _current(self) -> Account | None:
        table = self.query_one(DataTable)
        if not self.accounts or table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((a for a in self.accounts if a.account_id == key), None)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()
        acc = self._current()
        if acc is not None:
            self.oapp.remember(account=acc.account_id)

    def _show_detail(self) -> None:
        acc = self._current()
        detail = self.query_one("#account-detail", Static)
        if acc is None:
            detail.update("")
            return
        text = Text.assemble((visible(acc.name or acc.account_id), "bold"),
                             f"  {visible(acc.account_id)}\n")
        if is_hidden(acc, self.caller):
            text.append(_("Nobody told you about this one: Organizations found it. Ask who "
                          "uses it and what runs there (space if you knew it).") + "\n",
                        "#ffaf5f")
        elif acc.account_id == self.caller:
            text.append(_("The account your credentials are in.") + "\n", "dim")
        if acc.access == "denied":
            reason = visible(acc.access_reason) or _("the role could not be assumed")
            text.append(_("No access: {reason}. Ask for the audit role in this account.")
                        .format(reason=reason) + "\n", "#ff5f87")
        elif acc.access == "skipped" and self.caller and acc.source in ("manual", "interview"):
            text.append(_(
                "Not reached by the last scan: Organizations did not list it (it is outside "
                "your organization, or your identity cannot list it), so no role was tried. "
                "To scan it: ask for a read-only role there your identity may assume "
                "(OrganizationAccountAccessRole, or the one `--role-name` names), then "
                "`onboard scan --accounts {account}`; or get a profile for it and "
                "`onboard scan --profile NAME --accounts {account}`. If it is "
                "not yours after all, del removes it.").format(account=acc.account_id)
                + "\n", "#ffaf5f")
        elif acc.access == "skipped":
            text.append(_("Not scanned yet.") + "\n", "dim")
        text.append(_("e edits the name and environment."), "dim")
        detail.update(text)

    def action_add(self) -> None:
        self.oapp.action_add_account()

    def action_edit(self) -> None:
        acc = self._current()
        if acc is None:
            return

        def saved(result: object) -> None:
            if isinstance(result, Account):
                self.oapp.save_account(result)

        self.app.push_screen(AccountModal(acc), saved)

    def action_toggle_known(self) -> None:
        acc = self._current()
        if acc is not None:
            self._set_known(acc.model_copy(update={"known_before": not acc.known_before}))

    @work(thread=True, group="discovery-write", exit_on_error=False)
    def _set_known(self, account: Account) -> None:
        self.oapp.ws.set_known_before(account.account_id, account.known_before)
        self.reload_from_thread()

    def action_delete(self) -> None:
        acc = self._current()
        if acc is None:
            return
        if acc.source not in ("manual", "interview"):
            self.notify(_("Only accounts added by hand or from an interview can be "
                          "removed; the scan lists the others."), severity="warning")
            return
        from onboard.screens.matrix import ConfirmModal

        def answered(yes: object) -> None:
            if yes:
                self._delete(acc.account_id)

        label = f"{acc.account_id} {acc.name}".strip()
        self.app.push_screen(ConfirmModal(
            _("Remove account {account} from this session? Its scan results stay; add it "
              "again with a to scan it again.").format(account=label), ok=_("Remove")),
            answered)

    @work(thread=True, group="discovery-write", exit_on_error=False)
    def _delete(self, account_id: str) -> None:
        self.oapp.ws.delete_account(account_id)
        self.reload_from_thread()

    def reload_from_thread(self) -> None:
        self.oapp.call_soon(self.reload)
