"""Assets (Orient): the information that would hurt if it leaked or was lost, its value 1–3,
and the links (ARN, name pattern, tag) that tie it to the resources holding it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.timer import Timer
from textual.widgets import (
    Button,
    DataTable,
    Input,
    Label,
    OptionList,
    Select,
    Static,
    TextArea,
)
from textual.widgets.option_list import Option

from onboard import assets as assets_mod
from onboard.assets import Asset, AssetError, AssetIndex
from onboard.catalog import Catalog
from onboard.i18n import N_, _, ngettext
from onboard.models import Resource
from onboard.screens import where
from onboard.screens.listing import ListingScreen
from onboard.screens.matrix import ConfirmModal, Fields, current_rows, risk_style
from onboard.screens.modals import _Dialog
from onboard.screens.widgets import (
    KeysFooter,
    SafeDataTable,
    SafeInput,
    SafeLabel,
    SafeStatic,
    SafeTextArea,
    shown,
)
from onboard.screens.words import C_, word
from onboard.store import Store
from onboard.workspace import Workspace

DATA_TYPES = ("s3.bucket", "rds.db_cluster", "rds.db_instance", "dynamodb.table",
              "elasticache.cluster")
"""Where information lives: the resources worth linking to an asset."""
TYPE_LABELS = {"s3.bucket": "S3", "rds.db_cluster": "RDS", "rds.db_instance": "RDS",
               "dynamodb.table": "DynamoDB", "elasticache.cluster": N_("data store|cache")}
VALUE_OPTIONS = [(N_("3 · high: customer or investor data"), 3),
                 (N_("2 · medium: internal, hurts if lost"), 2),
                 (N_("1 · low: public anyway"), 1)]
VALUE_WORDS = {3: N_("asset value|high"), 2: N_("asset value|medium"),
               1: N_("asset value|low")}
LINKED = N_("asset picker|linked")
VALUE_STYLES = {3: "bold #ff5f87", 2: "#ffd75f", 1: "#87afd7"}
MAX_SHOWN = 10


def value_text(value: int) -> Text:
    words = C_(VALUE_WORDS[value]) if value in VALUE_WORDS else ""
    return Text(f"{value} {words}", VALUE_STYLES.get(value, ""))


def type_label(resource_type: str) -> str:
    return word(TYPE_LABELS, resource_type)


# --- data and messages --------------------------------------------------------------------


@dataclass
class AssetsData:
    assets: list[Asset] = field(default_factory=list)
    matches: dict[int, list[Resource]] = field(default_factory=dict)
    """Asset id → the inventory resources its links hit."""
    rows: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    """Asset name → (risk, observation) of the open matrix rows that hold it."""
    stores: list[Resource] = field(default_factory=list)
    """Data-holding resources of the latest scan."""
    covered: set[tuple[str, str, str]] = field(default_factory=set)
    inventory: list[Resource] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    scanned: bool = False

    def uncovered(self) -> list[Resource]:
        return [r for r in self.stores if (r.type, r.account_id, r.id) not in self.covered]


def read_assets(store: Store, catalog: Catalog, session_id: int) -> AssetsData:
    scan = store.latest_scan(session_id)
    index = AssetIndex.load(store, session_id, scan.id if scan else None, full=True)
    matches = {a.id: index.inventory_matches(a) for a in index.assets}
    rows: dict[str, list[tuple[int, str]]] = {}
    for row in current_rows(store, catalog, session_id):
        if row.fixed or row.risk is None:
            continue
        for name in row.risk.assets:
            rows.setdefault(name, []).append((row.score, row.observation))
    stores = sorted((r for r in index.inventory if r.type in DATA_TYPES),
                    key=lambda r: (r.type != "s3.bucket", r.type, r.id, r.account_id))
    covered = {(r.type, r.account_id, r.id) for hits in matches.values() for r in hits}
    return AssetsData(assets=index.assets, matches=matches, rows=rows, stores=stores,
                      covered=covered, inventory=index.inventory,
                      names={a.account_id: a.name for a in store.accounts(session_id)
                             if a.name},
                      scanned=scan is not None)


class AssetsLoaded(Message):
    def __init__(self, data: AssetsData, select: int | None = None, note: str = "") -> None:
        super().__init__()
        self.data = data
        self.select = select
        self.note = note


class PreviewReady(Message):
    def __init__(self, text: Text) -> None:
        super().__init__()
        self.text = text


# --- the dialog ---------------------------------------------------------------------------


@dataclass
class AssetEdit:
    name: str
    value: int
    description: str
    links: list[tuple[str, str]]


class AssetModal(_Dialog):
    """Add or edit an asset; links one per line, with a live count of what they hit and a
    list of the data stores the scan found to pick from."""

    def __init__(self, asset: Asset | None, data: AssetsData, focus_links: bool = False) -> None:
        super().__init__()
        self.asset = asset
        self.data = data
        self.focus_links = focus_links
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        a = self.asset
        with Vertical(classes="dialog asset-dialog"):
            yield SafeLabel(_("Edit {name}").format(name=a.name) if a
                            else _("Declare an information asset"), classes="dialog-title")
            yield SafeLabel(_("What would hurt if it leaked or was lost: e.g. investor cap "
                              "tables (3), user accounts (3), product analytics (2)."),
                            classes="dialog-hint")
            yield SafeLabel("", id="asset-error", classes="dialog-error")
            with Horizontal(classes="asset-row"):
                with Vertical(classes="asset-name"):
                    yield SafeLabel(_("Name"))
                    yield SafeInput(a.name if a else "", id="asset-name",
                                placeholder=_("e.g. investor cap tables"))
                with Vertical(classes="asset-value"):
                    yield SafeLabel(_("Value"))
                    yield Select([(_(label), v) for label, v in VALUE_OPTIONS],
                                 value=a.value if a else 3, id="asset-value",
                                 allow_blank=False)
            yield SafeLabel(_("Description"))
            yield SafeInput(a.description if a else "", id="asset-description",
                        placeholder=_("what it is, who would be hurt"))
            with Horizontal(classes="asset-links-row"):
                with Vertical():
                    yield SafeLabel(_("Links, one per line"))
                    yield SafeTextArea("\n".join(lk.label for lk in a.links) if a else "",
                                   id="asset-links", soft_wrap=True,
                                   placeholder=_("pattern:cap-table*  (names, any case)\n"
                                                 "tag:data=investor\n"
                                                 "arn:aws:s3:::exact-bucket"))
                with Vertical():
                    yield SafeLabel(_("Data stores the scan found (Enter adds)"))
                    picker = OptionList(id="asset-picker")
                    yield picker
            yield SafeLabel("", id="asset-preview", classes="dialog-hint")
            yield from self.buttons(_("Save") if a else _("Declare"))
        yield KeysFooter()

    def on_mount(self) -> None:
        if not self.query("#asset-picker"):  # pushed while the app was closing
            return
        picker = self.query_one("#asset-picker", OptionList)
        uncovered = self.data.uncovered()
        first = {(r.type, r.account_id, r.id) for r in uncovered}
        ordered = uncovered + [r for r in self.data.stores
                               if (r.type, r.account_id, r.id) not in first]
        for r in ordered:
            label = Text(r.id)
            label.append(f"  {type_label(r.type)} · "
                         f"{self.data.names.get(r.account_id, r.account_id)}", "dim")
            if (r.type, r.account_id, r.id) not in first:
                label.stylize("dim")
                label.append("  " + C_(LINKED), "dim italic")
            picker.add_option(Option(shown(label), id=f"{r.type}|{r.account_id}|{r.id}"))
        if not self.data.stores:
            picker.add_option(Option(Text(_("no scan yet: type the links"), "dim"),
                                     disabled=True))
        target = "#asset-picker" if self.focus_links and self.data.stores else (
            "#asset-links" if self.focus_links else "#asset-name")
        self.query_one(target).focus()
        self._preview_now()

    @on(OptionList.OptionSelected, "#asset-picker")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        __, __, name = (event.option.id or "").split("|", 2)
        area = self.query_one("#asset-links", TextArea)
        line = f"pattern:{name}"
        lines = [x for x in area.text.splitlines() if x.strip()]
        if line not in lines:
            area.text = "\n".join([*lines, line])
        self._preview_now()

    @on(TextArea.Changed, "#asset-links")
    def _links_changed(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(0.3, self._preview_now)

    def _parse(self) -> list[tuple[str, str]]:
        text = self.query_one("#asset-links", TextArea).text
        return [assets_mod.parse_link(line) for line in text.splitlines() if line.strip()]

    def _preview_now(self) -> None:
        self._timer = None
        try:
            links = self._parse()
        except AssetError as exc:
            self.query_one("#asset-preview", Label).update(Text(str(exc), "#ffaf5f"))
            return
        self._preview(links)

    @work(thread=True, exclusive=True, group="asset-preview", exit_on_error=False)
    def _preview(self, links: list[tuple[str, str]]) -> None:
        probe = Asset(id=0, name="probe", value=1, links=[
            assets_mod.AssetLink(id=i, kind=k, value=v)  # type: ignore[arg-type]
            for i, (k, v) in enumerate(links)])
        hits = AssetIndex([probe], self.data.inventory).inventory_matches(probe)
        text = Text()
        if not links:
            text.append(_("No links yet: without them the asset cannot score any row."))
        elif not hits:
            text.append(_("The links hit nothing in the latest scan."), "#ffaf5f")
        else:
            text.append(ngettext("The links hit {n} resource:", "The links hit {n} resources:",
                                 len(hits)).format(n=len(hits)) + " ", "#87d787")
            text.append(", ".join(r.id for r in hits[:4]) + (" …" if len(hits) > 4 else ""))
        self.post_message(PreviewReady(text))

    def on_preview_ready(self, message: PreviewReady) -> None:
        self.query_one("#asset-preview", Label).update(message.text)

    @on(Button.Pressed, "#ok")
    @on(Input.Submitted)
    def _save(self) -> None:
        error = self.query_one("#asset-error", Label)
        name = self.query_one("#asset-name", Input).value.strip()
        if not name:
            error.update(_("An asset needs a name."))
            self.query_one("#asset-name", Input).focus()
            return
        taken = {a.name for a in self.data.assets if not self.asset or a.id != self.asset.id}
        if name in taken:
            error.update(_("An asset named {name} already exists.").format(name=repr(name)))
            return
        try:
            links = self._parse()
        except AssetError as exc:
            error.update(str(exc))
            self.query_one("#asset-links", TextArea).focus()
            return
        value = self.query_one("#asset-value", Select).value
        self.dismiss(AssetEdit(name, value if isinstance(value, int) else 2,
                               self.query_one("#asset-description", Input).value.strip(),
                               list(dict.fromkeys(links))))


# --- the screen ---------------------------------------------------------------------------


class AssetsScreen(ListingScreen):
    SCREEN_ID = "assets"
    CSS_PATH = "assets.tcss"
    HELP = N_("""
## Assets — what would hurt if it leaked or was lost (Orient)
Threat modelling starts from the **information assets**: for a platform used by
startups and investors, cap tables, financials and investor reports (value **3**), user
accounts (**3**), product analytics (**2**), the marketing site (**1**).

Declare each one with **a** and link it to the resources that hold it, one link per
line: `pattern:cap-table*` (bucket, database or table names, any case), `tag:data=investor`
(a tag key and value; the value may use `*`), or an exact `arn:aws:s3:::bucket`. The dialog
counts what the links hit as you type, and lists the data stores the scan found: Enter
on one adds it.

The Matrix's risk score is **asset value × threat × vulnerability**: a row whose
resources hold a declared asset takes its value (the highest one), the others count as
*unclassified* (2). The right-hand list shows the data stores no asset covers yet.

**e** (or Enter) edits the selected asset, **l** jumps straight to its links (delete a
line to unlink), **del** deletes it. Linking the first asset ticks the week's task.
""")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", N_("Add asset")),
        Binding("e", "edit", N_("Edit")),
        Binding("l", "links", N_("Links")),
        Binding("delete", "delete", N_("Delete"), key_display="del"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data = AssetsData()
        self._widths: tuple[int, int] = (0, 0)

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="assets-body"):
            with Vertical(id="assets-main"):
                yield SafeStatic(id="assets-summary")
                yield SafeDataTable(id="assets", cursor_type="row", zebra_stripes=True)
                with VerticalScroll(id="asset-detail"):
                    yield SafeStatic(id="asset-detail-text")
            with VerticalScroll(id="assets-side") as side:
                side.border_title = _("Where data lives")
                yield SafeStatic(id="assets-side-text")

    def on_mount(self) -> None:
        self._add_columns()
        self.query_one(DataTable).focus()

    def on_resize(self) -> None:
        if self._column_widths() != self._widths:
            self._add_columns()
            self.fill()

    def _column_widths(self) -> tuple[int, int]:
        """Description and links share what the fixed columns leave."""
        free = max(self.size.width, 100) - 44 - 4 - (20 + 8 + 4) - 5 * 2 - 2
        return max(12, free * 45 // 100), max(14, free - free * 45 // 100)

    def _add_columns(self) -> None:
        table = self.query_one(DataTable)
        table.clear(columns=True)
        self._widths = description, links = self._column_widths()
        table.add_column(_("Name"), key="name", width=20)
        table.add_column(_("Value"), key="value", width=8)
        table.add_column(_("Description"), key="description", width=description)
        table.add_column(_("Links"), key="links", width=links)
        table.add_column(_("Hits"), key="hits", width=4)

    # -- loading

    def reload(self) -> None:
        self._load(self.oapp.session.id)

    @work(thread=True, exclusive=True, group="assets-load", exit_on_error=False)
    def _load(self, session_id: int) -> None:
        self.post(AssetsLoaded(read_assets(self.oapp.store, self.oapp.catalog, session_id)))

    @work(thread=True, group="assets-write", exit_on_error=False)
    def _write(self, session_id: int, op: Callable[[Workspace], int | None],
               note: str) -> None:
        store = self.oapp.store
        selected = op(Workspace(store, self.oapp.catalog, session_id))
        data = read_assets(store, self.oapp.catalog, session_id)
        if selected is not None:
            asset = next((a for a in data.assets if a.id == selected), None)
            if asset is not None:
                hits, rows = len(data.matches.get(asset.id, [])), len(data.rows.get(asset.name,
                                                                                   []))
                note += " " + ngettext("Its links hit {n} resource;",
                                       "Its links hit {n} resources;", hits).format(n=hits)
                note += " " + ngettext("{n} open matrix row now score with it.",
                                       "{n} open matrix rows now score with it.",
                                       rows).format(n=rows)
        self.post(AssetsLoaded(data, selected, note))

    def on_assets_loaded(self, message: AssetsLoaded) -> None:
        keep = self.keep_after_load(message.select)
        self.data = message.data
        self.fill(keep)
        self._show_summary()
        self._show_side()
        if message.note:
            self.notify(message.note, timeout=6)
            self.oapp.refresh_week()

    def records(self) -> list[Asset]:
        return self.data.assets

    def record_key(self, record: Asset) -> int:  # type: ignore[override]
        return record.id

    def cells(self, a: Asset) -> list[Text | str]:
        hits = len(self.data.matches.get(a.id, []))
        links = ", ".join(lk.label for lk in a.links)
        return [Text(a.name, "bold"), value_text(a.value),
                Text(a.description or "—", "" if a.description else "dim"),
                Text(links or _("no links yet"), "" if links else "italic #ffaf5f"),
                Text(f"{hits:>4}", "" if hits else "#ffaf5f")]

    # -- summary, detail, side

    def _show_summary(self) -> None:
        data, text = self.data, Text()
        if not data.assets:
            text.append(_("No information assets yet.") + " ", "bold")
            text.append(_("Press a to declare what would hurt if it leaked or was lost, and "
                          "link it to the buckets and databases that hold it."), "italic")
        else:
            linked = sum(1 for a in data.assets if a.links)
            n = len(data.assets)
            text.append(ngettext("{n} asset", "{n} assets", n).format(n=n), "bold")
            text.append(" · " + _("{n} linked").format(n=linked))
            left = len(data.uncovered())
            if data.stores:
                text.append(" · " + _("{left} of {total} data stores not covered").format(
                    left=left, total=len(data.stores)), "#ffaf5f" if left else "#87d787")
            text.append("  ·  " + _("{matrix} scores by them").format(
                matrix=where("matrix")), "dim")
        self.query_one("#assets-summary", Static).update(text)

    def _show_side(self) -> None:
        data, text = self.data, Text()
        if not data.scanned:
            text.append(_("No scan yet: the buckets, databases and tables it finds are "
                          "listed here."), "dim italic")
        elif not data.stores:
            text.append(_("The latest scan found no buckets, databases or tables."), "dim")
        else:
            left = data.uncovered()
            if left:
                text.append(_("Not covered by an asset ({n})").format(n=len(left)) + "\n",
                            "bold #ffaf5f")
                text.append_text(self._by_account(left, ""))
                text.append(_("a or l: pick from these in the dialog.") + "\n", "dim italic")
            keys = {(r.type, r.account_id, r.id) for r in left}
            covered = [r for r in data.stores if (r.type, r.account_id, r.id) not in keys]
            if covered:
                text.append("\n" + _("Covered ({n})").format(n=len(covered)) + "\n",
                            "bold #87d787")
                text.append_text(self._by_account(covered, "dim"))
        self.query_one("#assets-side-text", Static).update(text)

    def _by_account(self, resources: list[Resource], style: str) -> Text:
        text = Text()
        by_account: dict[str, list[Resource]] = {}
        for r in resources:
            by_account.setdefault(r.account_id, []).append(r)
        for account_id, group in sorted(by_account.items(),
                                        key=lambda kv: self.data.names.get(kv[0], kv[0])):
            text.append(self.data.names.get(account_id, account_id) + "\n", "italic")
            for r in group:
                text.append(f"  {type_label(r.type)} ", "dim")
                text.append(f"{r.id}\n", style)
        return text

    def show_detail(self) -> None:
        target = self.query_one("#asset-detail-text", Static)
        asset = self.current()
        if asset is None:
            target.update(Text.assemble(
                (_("Declare an asset (a) to see what its links hit.") + " ", "italic"),
                (_("For a platform used by startups and investors: cap tables, financials "
                   "and investor reports (3), user accounts (3), product analytics (2), the "
                   "marketing site (1)."), "dim")))
            return
        fields = Fields()
        head = Text(asset.name, "bold")
        head.append("  " + _("value") + " ")
        head.append_text(value_text(asset.value))
        fields.add(_("Asset"), head)
        if asset.description:
            fields.add(_("Description"), asset.description)
        hits = self.data.matches.get(asset.id, [])
        if not asset.links:
            fields.add(_("Links"), _("none yet: l adds one, so the asset can score the rows "
                                     "of its resources"), "italic #ffaf5f")
        for i, link in enumerate(asset.links):
            probe = asset.model_copy(update={"links": [link]})
            count = len(AssetIndex([probe], hits).inventory_matches(probe))
            line = Text(link.label)
            line.append("  " + _("hits {n}").format(n=count),
                        "#87d787" if count else "#ffaf5f")
            fields.add(_("Links") if i == 0 else "", line)
        if hits:
            shown = Text(", ".join(r.id for r in hits[:MAX_SHOWN]))
            if len(hits) > MAX_SHOWN:
                more = C_(N_("Assets detail|and {n} more")).format(n=len(hits) - MAX_SHOWN)
                shown.append(" " + more, "dim")
            fields.add(C_(N_("Assets detail|Resources ({n})")).format(n=len(hits)), shown)
        rows = self.data.rows.get(asset.name, [])
        for i, (score, observation) in enumerate(rows[:MAX_SHOWN]):
            line = Text(f"{score:>2} ", risk_style(score))
            line.append(observation)
            fields.add(_("Matrix rows ({n})").format(n=len(rows)) if i == 0 else "", line)
        if not rows and asset.links:
            fields.add(_("Matrix rows"), _("no open row is about these resources"), "dim")
        target.update(fields.grid)

    # -- keys

    def _dialog(self, asset: Asset | None, focus_links: bool = False) -> None:
        old = asset

        def saved(result: object) -> None:
            if not isinstance(result, AssetEdit):
                self._in_dialog = False
                return
            self._write(self.oapp.session.id, self._save_op(old, result),
                        _("{name} saved.").format(name=result.name))

        self._in_dialog = True
        self.app.push_screen(AssetModal(asset, self.data, focus_links), saved)

    @staticmethod
    def _save_op(old: Asset | None, edit: AssetEdit) -> Callable[[Workspace], int]:
        def op(ws: Workspace) -> int:
            links = [f"{kind}:{value}" for kind, value in edit.links]
            if old is None:
                return ws.add_asset(edit.name, edit.value, edit.description, links).id
            ws.update_asset(old.id, name=edit.name, value=edit.value,
                            description=edit.description)
            wanted = set(edit.links)
            for link in old.links:
                if (link.kind, link.value) not in wanted:
                    ws.unlink_asset(link.id)
            have = {(lk.kind, lk.value) for lk in old.links}
            for kind, value in edit.links:
                if (kind, value) not in have:
                    ws.link_asset(old.id, kind, value)
            return old.id

        return op

    def action_add(self) -> None:
        self._dialog(None)

    def action_edit(self) -> None:
        asset = self.current()
        if asset is None:
            self.action_add()
            return
        self._dialog(asset)

    def action_links(self) -> None:
        asset = self.current()
        if asset is None:
            self.notify(_("Declare an asset first (a)."), severity="warning")
            return
        self._dialog(asset, focus_links=True)

    def action_delete(self) -> None:
        asset = self.current()
        if asset is None:
            return
        asset_id = asset.id

        def confirmed(result: object) -> None:
            if result is not True:
                self._in_dialog = False
                return

            def op(ws: Workspace) -> None:
                ws.delete_asset(asset_id)

            self._write(self.oapp.session.id, op,
                        _("{name} deleted.").format(name=asset.name))

        self._in_dialog = True
        self.app.push_screen(ConfirmModal(
            _("Delete the asset “{name}” and its {n} links? The matrix rows it scored go "
              "back to unclassified.").format(name=asset.name, n=len(asset.links))),
            confirmed)
