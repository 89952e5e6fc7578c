"""Day one inside the app: the read-only IAM policy to ask for, and the Terraform import."""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, Input, Label, Static, TextArea

from onboard import terraform
from onboard.i18n import N_, _, ngettext
from onboard.screens.widgets import KeysFooter
from onboard.screens.words import C_


class PolicyLoaded(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class PolicyModal(ModalScreen[None]):
    """The least-privilege read-only policy the collectors declare, to copy and ask for."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "copy", N_("Copy")),
        Binding("escape", "close", N_("Close"), key_display="esc"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(_("The read-only IAM policy a scan needs"), classes="dialog-title")
            yield Label(_("Ask whoever administers AWS to attach it to your role or user "
                          "(the managed SecurityAudit policy also works). y copies it; "
                          "`onboard policy > policy.json` writes it to a file."),
                        classes="dialog-hint")
            yield TextArea(_("loading…"), id="policy-text", read_only=True,
                           show_line_numbers=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Copy"), variant="primary", id="copy")
                yield Button(_("Close"), id="close")
        yield KeysFooter()

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="policy", exit_on_error=False)
    def _load(self) -> None:
        from onboard.aws.guard import iam_policy_json

        self.post_message(PolicyLoaded(iam_policy_json()))

    def on_policy_loaded(self, message: PolicyLoaded) -> None:
        self.query_one(TextArea).text = message.text

    @on(Button.Pressed, "#copy")
    def action_copy(self) -> None:
        text = self.query_one(TextArea).text
        self.app.copy_to_clipboard(text)
        self.notify(_("Policy copied ({n} lines). If your terminal does not pass the "
                      "clipboard on, use `onboard policy`.").format(n=len(text.splitlines())),
                    timeout=6)

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)


class PathSuggester(Suggester):
    """Completes a file path from what is on disk (→ or End accepts the suggestion)."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        expanded = os.path.expanduser(value)
        folder, __, prefix = expanded.rpartition(os.sep)
        base = Path(folder or ("/" if expanded.startswith(os.sep) else "."))
        try:
            # hidden entries only when asked for (a prefix that starts with a dot)
            names = sorted(p.name + (os.sep if p.is_dir() else "") for p in base.iterdir()
                           if p.name.startswith(prefix)
                           and (prefix.startswith(".") or not p.name.startswith(".")))
        except OSError:
            return None
        if not names:
            return None
        # Prefer state files, then folders, then anything.
        best = next((n for n in names if n.endswith((".tfstate", ".json"))),
                    next((n for n in names if n.endswith(os.sep)), names[0]))
        return value[: len(value) - len(prefix)] + best


class Imported(Message):
    def __init__(self, result: terraform.ImportResult | None, error: str = "",
                 names: dict[str, str] | None = None) -> None:
        super().__init__()
        self.result = result
        self.error = error
        self.names = names or {}


def import_summary(result: terraform.ImportResult, names: dict[str, str]) -> Text:
    """What an import did, in the words `onboard tf import` uses."""
    text = Text()
    for f in result.files:
        if f.modules:
            text.append(ngettext("✓ Read {n} AWS resources in {modules} module from {path}",
                                 "✓ Read {n} AWS resources in {modules} modules from {path}",
                                 f.modules).format(n=len(f.resources), modules=f.modules,
                                                   path=f.path) + "\n")
        else:
            text.append(_("✓ Read {n} AWS resources from {path}").format(
                n=len(f.resources), path=f.path) + "\n")
    text.append(_("The session now knows {n} Terraform-managed resources.").format(
        n=result.total_rows) + "\n")
    m = result.match
    if m is None:
        text.append(_("No scan yet: findings show their Terraform address after a scan.")
                    + "\n", "italic")
        return text
    text.append(_("Matched {matched} of them to {managed} resources of scan {scan}.").format(
        matched=m.matched_rows, managed=m.managed, scan=m.scan_id) + "\n")
    if m.unmanaged:
        text.append(_("No state manages (made by hand?):") + "\n", "bold")
        for account_id, items in sorted(m.unmanaged.items()):
            label = names.get(account_id) or account_id
            text.append(f"  {label}: {len(items)} · {terraform.summary_counts(items)}\n")
    return text


class TerraformImportModal(ModalScreen[bool]):
    """Type a path (→ completes), Enter adds it; Import reads every file listed at once."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Close"), key_display="esc"),
        Binding("ctrl+s", "import", N_("Import"), key_display="ctrl+s"),
        Binding("ctrl+d", "remove_last", N_("Remove last file"), key_display="ctrl+d"),
    ]

    def __init__(self, suggestion: str = "") -> None:
        super().__init__()
        self.paths: list[str] = []
        self.suggestion = suggestion
        self.imported = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(_("Import Terraform state"), classes="dialog-title")
            yield Label(_("A .tfstate, `terraform state pull` or `terraform show -json` file; "
                          "one per environment or stack. Type a path (→ completes), Enter "
                          "adds it to the list, then Import."), classes="dialog-hint")
            yield Input(self.suggestion, id="tf-path", suggester=PathSuggester(),
                        placeholder=_("e.g. ./infra/prod/terraform.tfstate"))
            yield Static(_("No file yet."), id="tf-files")
            with VerticalScroll(id="tf-result-box"):
                yield Static("", id="tf-result")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Import"), variant="primary", id="import")
                yield Button(_("Close"), id="close")
        yield KeysFooter()

    @on(Input.Submitted, "#tf-path")
    def _add(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if not value:
            if self.paths:
                self.action_import()
            return
        path = Path(os.path.expanduser(value))
        if not path.is_file():
            self._show_error((_("{path}: no such file") if not path.exists()
                              else _("{path}: a folder; name the state file in it"))
                             .format(path=value))
            return
        if str(path) not in self.paths:
            self.paths.append(str(path))
        event.input.value = ""
        self._show_files()

    def _show_files(self) -> None:
        text = Text()
        for p in self.paths:
            text.append("● ", "bold")
            text.append(p + "\n")
        if self.paths:
            text.append(_("Enter on an empty line or Import reads them; ctrl+d removes the "
                          "last."), "dim")
        empty = (_("Imported. Add more files, or Close.") if self.imported
                 else _("No file yet."))
        self.query_one("#tf-files", Static).update(text if self.paths else empty)

    def _show_error(self, message: str) -> None:
        self.query_one("#tf-result", Static).update(Text("✗ " + message, style="#ff875f"))

    def action_remove_last(self) -> None:
        if self.paths:
            self.paths.pop()
            self._show_files()

    @on(Button.Pressed, "#import")
    def action_import(self) -> None:
        typed = self.query_one("#tf-path", Input).value.strip()
        if typed and os.path.expanduser(typed) not in self.paths:
            self.paths.append(os.path.expanduser(typed))
            self.query_one("#tf-path", Input).value = ""
            self._show_files()
        if not self.paths:
            self._show_error(_("Add a state file first."))
            return
        self.query_one("#tf-result", Static).update(Text(_("importing…"), style="italic"))
        app = self.app
        self._import(list(self.paths), app.ws)  # type: ignore[attr-defined]

    @work(thread=True, exclusive=True, group="tf-import", exit_on_error=False)
    def _import(self, paths: list[str], ws: object) -> None:
        try:
            result = ws.import_terraform(paths)  # type: ignore[attr-defined]
        except terraform.TerraformError as exc:
            nothing = C_(N_("Terraform dialog|{error} (nothing imported)"))
            self.post_message(Imported(None, nothing.format(error=exc)))
            return
        store = ws.store  # type: ignore[attr-defined]
        names = {a.account_id: a.name for a in store.accounts(ws.session_id)}  # type: ignore[attr-defined]
        self.post_message(Imported(result, names=names))

    def on_imported(self, message: Imported) -> None:
        if message.result is None:
            self._show_error(message.error)
            return
        self.imported = True
        self.paths = []
        self._show_files()
        self.query_one("#tf-result", Static).update(import_summary(message.result,
                                                                   message.names))

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(self.imported)
