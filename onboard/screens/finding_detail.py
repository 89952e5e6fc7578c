"""The Review screen's detail pane: one finding, its check, remediation and triage."""

from __future__ import annotations

from typing import ClassVar

from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static, TabbedContent, TabPane

from onboard import guide
from onboard.i18n import _
from onboard.models import STRIDE_NAMES, CheckDef, Finding
from onboard.screens.widgets import (
    SEVERITY_LABELS,
    SEVERITY_STYLES,
    STATUS_LABELS,
    STATUS_STYLES,
    TRIAGE_LABELS,
    SafeStatic,
    label,
    plain,
)
from onboard.textsafe import visible

FIX_TABS = ("fix-console", "fix-cli", "fix-terraform")


class FindingDetail(VerticalScroll):
    """Evidence, description, triage and references above the remediation tabs."""

    can_focus = True
    BINDINGS: ClassVar = []

    def compose(self) -> ComposeResult:
        yield SafeStatic(id="detail-head")
        with TabbedContent(id="fix-tabs"):
            with TabPane(_("Fix in the console"), id="fix-console"):
                yield SafeStatic(id="fix-console-text")
            with TabPane("AWS CLI", id="fix-cli"):
                yield SafeStatic(id="fix-cli-text")
            with TabPane("Terraform", id="fix-terraform"):
                yield SafeStatic(id="fix-terraform-text")
        yield SafeStatic(id="detail-refs")

    _shown: tuple[object, ...] | None = None
    """What the pane shows now: showing it again is skipped (each update of its texts
    lays the whole screen out again, and the table asks twice per new page)."""

    def show_empty(self, text: str) -> None:
        if self._shown == (text,):
            return
        self._shown = (text,)
        self.query_one("#detail-head", Static).update(Text(text, style="dim italic"))
        self.query_one("#fix-tabs").display = False
        self.query_one("#detail-refs", Static).update("")

    def show(self, finding: Finding, check: CheckDef | None, triage: dict[str, str] | None,
             change: str = "") -> None:
        shown = (finding, check, dict(triage or {}), change)
        if self._shown == shown:
            return
        self._shown = shown
        head = Text()
        head.append(f" {label(STATUS_LABELS, finding.status)} ",
                    f"reverse {STATUS_STYLES[finding.status]}")
        head.append(" ")
        head.append(label(SEVERITY_LABELS, finding.severity),
                    SEVERITY_STYLES[finding.severity.value])
        head.append("  ")
        head.append(visible(check.title if check else finding.check_id), "bold")
        head.append(f"  ({visible(finding.check_id)})", "dim")
        if change:
            head.append(f"  {change}", "bold #ffaf5f")
        head.append("\n")
        head.append(visible(finding.resource_id), "bold")
        head.append(_("  account {account} · {region}").format(
            account=visible(finding.account_id), region=visible(finding.region)), "dim")
        if finding.terraform_address:
            head.append(f"  · terraform {visible(finding.terraform_address)}", "#87afd7")
        head.append("\n\n")
        head.append(_("Evidence  "), "bold")
        head.append(visible(finding.message, multiline=True) + "\n")
        if check is not None:
            head.append(_("What it means  "), "bold")
            head.append(visible(check.description.strip(), multiline=True) + "\n")
            head.append(_("Could lead to  "), "bold")
            head.append(visible(f"{check.incident}: {check.reason}"), "italic")
            head.append("  [" + ", ".join(_(STRIDE_NAMES[s]) for s in check.stride) + "]\n",
                        "dim")
        head.append(_("Triage  "), "bold")
        if triage and triage.get("mark"):
            head.append(visible(label(TRIAGE_LABELS, triage["mark"])), "bold #87d787")
            if triage.get("note"):
                head.append(f" · {visible(triage['note'], multiline=True)}")
        else:
            head.append(_("not triaged yet"), "dim")
        head.append(_("   m marks it"), "dim")
        self.query_one("#detail-head", Static).update(head)
        tabs = self.query_one("#fix-tabs", TabbedContent)
        tabs.display = check is not None
        if check is None:
            self.query_one("#detail-refs", Static).update(
                Text(_("This check has no catalog entry (edited checklists?)."), style="dim"))
            return
        fix = guide.remediation(check, finding)
        self.query_one("#fix-console-text", Static).update(plain(fix["console"].rstrip()))
        self.query_one("#fix-cli-text", Static).update(
            Syntax(visible(fix["cli"].rstrip(), multiline=True), "bash", theme="ansi_dark",
                   word_wrap=True, background_color="default"))
        self.query_one("#fix-terraform-text", Static).update(
            Syntax(visible(fix["terraform"].rstrip(), multiline=True), "terraform",
                   theme="ansi_dark", word_wrap=True, background_color="default"))
        refs = guide.references(check)
        ref_text = Text.assemble((_("References  "), "bold"))
        for i, (name, value) in enumerate(refs):
            if i:
                ref_text.append("  ·  ", "dim")
            ref_text.append(f"{visible(_(name))} ", "dim")
            ref_text.append(visible(value))
        if check.rule:
            ref_text.append("\n" + _("Rule  "), "bold")
            ref_text.append(visible(check.rule.strip(), multiline=True))
        self.query_one("#detail-refs", Static).update(ref_text)

    def next_fix_tab(self) -> None:
        tabs = self.query_one("#fix-tabs", TabbedContent)
        current = tabs.active if tabs.active in FIX_TABS else FIX_TABS[-1]
        tabs.active = FIX_TABS[(FIX_TABS.index(current) + 1) % len(FIX_TABS)]

    def cli_text(self, finding: Finding, check: CheckDef | None) -> str:
        return guide.remediation(check, finding)["cli"] if check else ""
