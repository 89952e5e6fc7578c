"""Architecture (Observe): the latest scan's inventory as a tree — account → edge services,
regions → VPCs → public/private subnets → resources, and what lives outside the VPCs —
with each resource's attributes, findings, Terraform status and connections."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from rich.console import Group as RichGroup
from rich.console import RenderableType
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from onboard import diagram, mdtext, terraform
from onboard import export as export_mod
from onboard.checks.base import Inventory
from onboard.diagram import Architecture, Edge, Group, Item
from onboard.i18n import N_, _
from onboard.models import Finding, Resource, ScanInfo, Status
from onboard.screens import where
from onboard.screens.actions import slug
from onboard.screens.base import OnboardScreen
from onboard.screens.matrix import Fields
from onboard.screens.widgets import SEVERITY_STYLES, STATUS_STYLES, SafeStatic, SafeTree
from onboard.screens.words import C_, word
from onboard.store import Store
from onboard.textsafe import visible
from onboard.workspace import Workspace

Node = TreeNode[tuple[str, Any]]
GROUP_STYLES = {"account": "bold #5fafff", "global": "bold #d787ff", "region": "bold",
                "vpc": "bold #87afd7", "tier": "#ffaf5f", "subnet": "", "outside": "#d787ff"}
SEVERITY_LABELS = {"critical": N_("Architecture severity|critical"),
                   "high": N_("Architecture severity|high"),
                   "medium": N_("Architecture severity|medium"),
                   "low": N_("Architecture severity|low"),
                   "info": N_("Architecture severity|info")}
WORDS = {"empty": N_("Architecture group|empty"), "dotted": N_("Architecture edge|dotted")}
MAX_ATTR = 110
MAX_ATTRS = 40


# --- data and messages --------------------------------------------------------------------


@dataclass
class ArchData:
    scan: ScanInfo | None = None
    arch: Architecture | None = None
    inventory: Inventory | None = None
    findings: dict[tuple[str, str], list[Finding]] = field(default_factory=dict)
    """(account id, resource id or ARN) → the scan's findings about it."""
    managed: terraform.ManagedIndex | None = None
    names: dict[str, str] = field(default_factory=dict)
    failing_items: dict[str, int] = field(default_factory=dict)
    """Item id → how many FAIL findings its resources have (computed once)."""

    def findings_for(self, r: Resource) -> list[Finding]:
        found = list(self.findings.get((r.account_id, r.id), []))
        for f in self.findings.get((r.account_id, r.arn or ""), []):
            if f not in found:
                found.append(f)
        return found

    def count_failing(self, item: Item) -> int:
        return sum(1 for r in item.resources for f in self.findings_for(r)
                   if f.status == Status.FAIL)

    def failing(self, item: Item) -> int:
        return self.failing_items.get(item.id, 0)


def read_architecture(store: Store, session_id: int) -> ArchData:
    scan = store.latest_scan(session_id)
    if scan is None:
        return ArchData()
    names = {a.account_id: a.name for a in store.accounts(session_id) if a.name}
    inventory = Inventory(store.resources(scan.id), store.collect_errors(scan.id))
    findings: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in store.findings(scan.id):
        if f.status in (Status.FAIL, Status.ERROR):
            findings[(f.account_id, f.resource_id)].append(f)
            if f.resource_arn and f.resource_arn != f.resource_id:
                findings[(f.account_id, f.resource_arn)].append(f)
    data = ArchData(scan=scan, arch=diagram.tree(inventory, accounts=names),
                    inventory=inventory, findings=dict(findings),
                    managed=terraform.managed_index(store, session_id), names=names)
    assert data.arch is not None
    data.failing_items = {i.id: n for i in data.arch.items() if (n := data.count_failing(i))}
    return data


class ArchitectureLoaded(Message):
    def __init__(self, data: ArchData) -> None:
        super().__init__()
        self.data = data


class DiagramExported(Message):
    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path


def _content(g: Group) -> int:
    """Resources drawn below a group (an internet gateway alone does not count)."""
    return sum(i.count for i in g.all_items() if i.kind != "igw")


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= MAX_ATTR else text[: MAX_ATTR - 1] + "…"


# --- the screen ---------------------------------------------------------------------------


class ArchitectureScreen(OnboardScreen):
    SCREEN_ID = "architecture"
    CSS_PATH = "architecture.tcss"
    HELP = N_("""
## Architecture — what runs where, and how it connects (Observe)
The talk's newcomer found the existing diagram missing everything outside the VPC
(CloudFront, WAF, S3, Lambda, the Code* services) and some things inside (ElastiCache).
This tree is drawn from the latest scan, so nothing is left out: each **account** has
its **global** edge services (Route 53, CloudFront, WAF), then each **region** with its
**VPCs** → **public subnets** (routed to an internet gateway) and **private subnets** →
resources, and what lives **outside the VPCs**.

A database or cache that can use several subnets sits on its tier; one that can land in
a public subnet sits in the public tier (check 6 of the talk: nothing that belongs in a
private subnet should be in a public one). **●** marks resources with failing findings;
**]** jumps to the next one.

Select a resource to see its attributes, its findings, whether Terraform manages it
(after `onboard tf import PATH`) and what it connects to (DNS → CloudFront → origins,
load balancer → targets, WAF → what it protects). Enter or space opens and closes a
branch.

**x** writes the diagram as Mermaid (`onboard-architecture-SESSION.md` in the current
directory, ready for the team's docs) and ticks the week's diagram task.
""")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right_square_bracket", "next_failing", N_("Next ●"), key_display="]"),
        Binding("x", "export", N_("Export diagram")),
        Binding("T", "app.import_terraform", N_("Import Terraform state"), key_display="T"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data = ArchData()
        wanted = self.oapp.screen_state.get("architecture")
        self._wanted: str | None = wanted if isinstance(wanted, str) else None
        self._items: dict[str, Item] = {}
        self._edges_out: dict[str, list[Edge]] = defaultdict(list)
        self._edges_in: dict[str, list[Edge]] = defaultdict(list)

    def compose_body(self) -> ComposeResult:
        with Vertical(id="arch-body"):
            yield SafeStatic(id="arch-summary")
            with Horizontal(id="arch-main"):
                tree: Tree[tuple[str, Any]] = SafeTree(_("Loading the inventory…"),
                                                        id="arch-tree")
                tree.show_root = False
                yield tree
                with VerticalScroll(id="arch-detail"):
                    yield SafeStatic(id="arch-detail-text")

    def on_mount(self) -> None:
        self.query_one(Tree).focus()
        self.query_one("#arch-summary", Static).update(
            Text(_("Loading the latest scan's inventory…"), style="dim italic"))
        self.reload()

    def on_screen_resume(self) -> None:
        self.query_one("NavTabs").active = "tab-architecture"  # type: ignore[attr-defined]

    # -- loading

    def reload(self) -> None:
        self._load(self.oapp.session.id)

    @work(thread=True, exclusive=True, group="architecture-load", exit_on_error=False)
    def _load(self, session_id: int) -> None:
        self.post(ArchitectureLoaded(read_architecture(self.oapp.store, session_id)))

    def on_architecture_loaded(self, message: ArchitectureLoaded) -> None:
        current = self._node_id(self.query_one(Tree).cursor_node)
        self.data = data = message.data
        self._items, self._edges_out, self._edges_in = {}, defaultdict(list), defaultdict(list)
        tree = self.query_one(Tree)
        tree.clear()
        if data.arch is None:
            tree.show_root = True
            tree.root.set_label(Text(C_(N_("Architecture tree|no scan yet")), style="dim italic"))
            tree.root.allow_expand = False
            self._show_summary()
            self._show_detail(None)
            return
        tree.show_root = False
        tree.root.allow_expand = True
        for item in data.arch.items():
            self._items[item.id] = item
        for edge in data.arch.edges:
            self._edges_out[edge.src].append(edge)
            self._edges_in[edge.dst].append(edge)
        for account in data.arch.accounts:
            self._add_group(tree.root, account)
        tree.root.expand()
        self._show_summary()
        self.call_after_refresh(self._restore, current or self._wanted)

    def _add_group(self, parent: Node, g: Group) -> None:
        count = _content(g)
        label = Text(g.label, GROUP_STYLES.get(g.kind, ""))
        if g.kind not in ("account",):
            label.append(f"  {count}" if count else "  " + word(WORDS, "empty"), "dim")
        failing = sum(self.data.failing(i) for i in g.all_items())  # cheap: a dict lookup
        if failing:
            label.append(f"  ● {failing}", "#ff5f87")
        node = parent.add(label, data=("group", g),
                          expand=g.kind in ("account", "global") or (count > 0 and
                                                                     g.kind != "subnet"))
        for item in g.items:
            node.add_leaf(self._item_label(item), data=("item", item))
        for child in g.groups:
            self._add_group(node, child)
        if g.kind == "subnet" and g.items:
            node.expand()

    def _item_label(self, item: Item) -> Text:
        """Failing ones start with ● (a long label is cut at the right, the mark is not)."""
        bad = self.data.failing(item)
        label = Text("● ", "bold #ff5f87") if bad else Text("  ")
        label.append(item.label)
        if self._edges_out.get(item.id) or self._edges_in.get(item.id):
            label.append("  ⇄", "dim")
        return label

    def _restore(self, node_id: str | None) -> None:
        tree = self.query_one(Tree)
        node = next((n for n in self._walk(tree.root) if self._node_id(n) == node_id),
                    None) if node_id else None
        if node is None:
            tree.move_cursor(tree.root.children[0] if tree.root.children else None)
        else:
            self._reveal(node)
        self._show_detail(tree.cursor_node)

    # -- summary and detail

    def _show_summary(self) -> None:
        data, text = self.data, Text()
        if data.arch is None or data.scan is None:
            text.append(_("No scan yet.") + " ", "bold")
            text.append(_("Run one on {review}: the tree is drawn from the inventory it "
                          "collects.").format(review=where("review")), "italic")
        else:
            items = data.arch.items()
            resources = sum(i.count for i in items)
            bad = sum(1 for i in items if data.failing(i))
            text.append(_("Scan #{id}").format(id=data.scan.id), "bold")
            text.append(" · " + _("{accounts} accounts · {resources} resources · "
                                  "{connections} connections").format(
                accounts=len(data.arch.accounts), resources=resources,
                connections=len(data.arch.edges)) + " · ")
            text.append(_("● {n} with failing findings").format(n=bad),
                        "#ff5f87" if bad else "#87d787")
            if data.managed is not None and not len(data.managed):
                text.append("  ·  " + _("no Terraform state imported"), "dim")
        self.query_one("#arch-summary", Static).update(text)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[tuple[str, Any]]) -> None:
        self._show_detail(event.node)
        node_id = self._node_id(event.node)
        if node_id:
            self.oapp.remember(screens={"architecture": node_id})

    @staticmethod
    def _node_id(node: Node | None) -> str | None:
        if node is None or node.data is None:
            return None
        return node.data[1].id  # type: ignore[no-any-return]

    def _show_detail(self, node: Node | None) -> None:
        target = self.query_one("#arch-detail-text", Static)
        if node is None or node.data is None:
            target.update(Text(_("Nothing to show before the first scan.")
                               if self.data.arch is None else _("Select a resource."),
                               style="dim italic"))
            return
        kind, value = node.data
        target.update(self.item_text(value, node) if kind == "item"
                      else self.group_text(value, node))

    def _where(self, node: Node) -> Text:
        parts = []
        parent = node.parent
        while parent is not None and parent.data is not None:
            parts.append(parent.data[1].label.split(" · ")[0])
            parent = parent.parent
        return Text(" › ".join(reversed(parts)), "dim")

    def item_text(self, item: Item, node: Node) -> RenderableType:
        parts: list[RenderableType] = [Text(item.label, "bold"), self._where(node), Text()]
        if not item.resources:
            parts.append(Text(_("Referenced by another resource but not in the inventory "
                                "(e.g. an origin outside AWS or in another account)."),
                              "dim"))
        connects = self._connections(item)
        if connects.plain:
            fields = Fields()
            fields.add(_("Connects to"), connects)
            parts.append(fields.grid)
        for r in item.resources:
            if len(item.resources) > 1:
                parts.append(Text(f"\n{r.type} {r.id}", "bold underline"))
            parts.append(self.resource_fields(r).grid)
        return RichGroup(*parts)

    def resource_fields(self, r: Resource) -> Fields:
        fields = Fields()
        fields.add(_("Id"), Text.assemble(r.id, (f"  {r.type}", "dim")))
        if r.name and r.name != r.id:
            fields.add(_("Name"), r.name)
        account = self.data.names.get(r.account_id, "")
        fields.add(_("Account"), Text.assemble(r.account_id, (f"  {account}" if account else "",
                                                           "dim"), (f"  · {r.region}", "dim")))
        if r.arn:
            fields.add("ARN", r.arn, "dim")
        fields.add("Terraform", self._terraform(r))
        fields.add(_("Findings"), self._findings(r))
        shown = 0
        for key, value in sorted(r.attrs.items()):
            if value in (None, "", [], {}) or key == "errors":
                continue
            if shown == MAX_ATTRS:
                fields.add("", _("and {n} more attributes").format(
                    n=len(r.attrs) - shown), "dim")
                break
            fields.add(_("Attributes") if shown == 0 else "",
                       Text.assemble((f"{key}: ", "#87afd7"), _short(value)))
            shown += 1
        return fields

    def _terraform(self, r: Resource) -> Text:
        managed = self.data.managed
        if managed is None or not len(managed):
            return Text(_("no state imported yet (onboard tf import PATH)"), "dim")
        address = managed.address_of(r)
        if address:
            return Text.assemble((_("managed as") + " ", "#87d787"),
                                 (address, "bold #87d787"))
        made = terraform.made_by_aws(r)
        if made:
            return Text(_("not in the state: made by {maker}").format(maker=made), "dim")
        return Text(_("not in the imported state: made by hand? Ask who keeps its "
                      "settings, and where they are written down"), "#ffaf5f")

    def _findings(self, r: Resource) -> Text:
        found = self.data.findings_for(r)
        if not found:
            return Text(_("none failing"), "#87d787")
        text = Text()
        for i, f in enumerate(sorted(found, key=lambda f: (-f.severity.rank, f.check_id))):
            if i:
                text.append("\n")
            text.append(f"{f.status.value} ", STATUS_STYLES[f.status.value])
            severity = f.severity.value
            text.append(f"{word(SEVERITY_LABELS, severity)} ",
                        SEVERITY_STYLES[severity])
            text.append(f"{f.check_id}", "bold")
            text.append(f"  {f.message}")
        return text

    def _connections(self, item: Item) -> Text:
        text = Text()
        lines = [("→ ", e.dst, e) for e in self._edges_out.get(item.id, [])]
        lines += [("← ", e.src, e) for e in self._edges_in.get(item.id, [])]
        for i, (arrow, other, edge) in enumerate(lines):
            if i:
                text.append("\n")
            target = self._items.get(other)
            text.append(arrow, "bold")
            text.append(target.label if target else other)
            if edge.label:
                dotted = ", " + word(WORDS, "dotted") if edge.dotted else ""
                text.append(f"  ({edge.label}{dotted})", "dim")
        return text

    def group_text(self, g: Group, node: Node) -> RenderableType:
        parts: list[RenderableType] = [Text(g.label, f"bold {GROUP_STYLES.get(g.kind, '')}"),
                                       self._where(node), Text()]
        fields = Fields()
        bad = sum(1 for i in g.all_items() if self.data.failing(i))
        count = Text(_("{n} resources").format(n=_content(g)))
        if bad:
            count.append("  · " + _("● {n} with failing findings").format(n=bad), "#ff5f87")
        fields.add(_("Contains"), count)
        meta = g.meta
        if g.kind == "tier":
            fields.add(_("Tier"), _("public: its subnets route to an internet gateway")
                       if meta.get("public")
                       else _("private: no route to an internet gateway"))
        if meta.get("evidence"):
            fields.add(_("Routing"), str(meta["evidence"]))
        parts.append(fields.grid)
        resource = self._group_resource(g)
        if resource is not None:
            parts += [Text(), self.resource_fields(resource).grid]
        return RichGroup(*parts)

    def _group_resource(self, g: Group) -> Resource | None:
        inv, meta = self.data.inventory, g.meta
        if inv is None:
            return None
        if g.kind == "vpc" and meta.get("vpc_id"):
            return inv.get("ec2.vpc", meta.get("account_id", ""), meta["vpc_id"])
        if g.kind == "subnet":
            return next((s for s in inv.of("ec2.subnet") if s.id == meta.get("subnet_id")),
                        None)
        return None

    # -- keys

    def _walk(self, node: Node) -> Iterator[Node]:
        for child in node.children:
            yield child
            yield from self._walk(child)

    def _reveal(self, node: Node) -> None:
        tree = self.query_one(Tree)
        parent = node.parent
        while parent is not None:
            parent.expand()
            parent = parent.parent
        self.call_after_refresh(tree.move_cursor, node)
        self.call_after_refresh(tree.scroll_to_node, node, False)

    def action_next_failing(self) -> None:
        tree = self.query_one(Tree)
        nodes = [n for n in self._walk(tree.root)
                 if n.data and n.data[0] == "item" and self.data.failing(n.data[1])]
        if not nodes:
            self.notify(_("No resource in the tree has failing findings."), timeout=3)
            return
        current = tree.cursor_node
        order = list(self._walk(tree.root))
        position = order.index(current) if current in order else -1
        after = [n for n in nodes if order.index(n) > position]
        self._reveal((after or nodes)[0])

    def action_export(self) -> None:
        if self.data.scan is None:
            self.notify(_("No scan yet: run one on {review} first.").format(
                review=where("review")), severity="warning")
            return
        self._export(self.oapp.session.id, self.oapp.session_name, self.data.scan.id)

    @work(thread=True, exclusive=True, group="architecture-export", exit_on_error=False)
    def _export(self, session_id: int, session_name: str, scan_id: int) -> None:
        store, catalog = self.oapp.store, self.oapp.catalog
        text = export_mod.export(store, catalog, session_id, "mermaid")
        path = Path.cwd() / f"onboard-architecture-{slug(session_name)}.md"
        head = _("# Architecture: {session}").format(session=mdtext.heading(session_name))
        drawn = _("Drawn by onboard from scan #{scan}; resources with failing findings are "
                  "red.").format(scan=scan_id)
        export_mod.write_atomic(
            path, f"{head}\n\n{drawn}\n\n```mermaid\n{text.rstrip()}\n```\n")
        Workspace(store, catalog, session_id).record_export("diagram_exported",
                                                            scan_id=scan_id)
        self.post(DiagramExported(path))

    def on_diagram_exported(self, message: DiagramExported) -> None:
        self.notify(_("Mermaid diagram written to {path}").format(path=visible(message.path)),
                    title=_("Exported"), timeout=10, markup=False)
        self.oapp.refresh_week()
