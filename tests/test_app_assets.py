"""Pilot tests for Assets: declaring an asset with links moves the matrix's risk, the link
preview, editing links (link/unlink), bad links, deleting, what is left uncovered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Button, DataTable, Input, Label, OptionList, Select, Static, TextArea

from onboard import assets, orient
from onboard.screens.assets import AssetModal, AssetsScreen
from onboard.screens.matrix import ConfirmModal
from tests.helpers import derive, rule_done
from tests.test_app_matrix import plain, seed_org, settle
from tests.test_app_support import asynctest, make_app

SIZE = (120, 40)


async def open_assets(pilot: Any) -> AssetsScreen:
    await pilot.press("6")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AssetsScreen)
    return screen


def _score(store: Any, app: Any, check_id: str) -> int:
    return next(r.score for r in orient.matrix(store, app.catalog, app.session.id)
                if r.check_id == check_id)


@asynctest
async def test_declaring_an_asset_with_a_pattern_raises_the_rows_risk(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    sid = app.session.id
    seed_org(store, sid)
    derive(store, app.catalog, sid)
    before = _score(store, app, "s3.bucket_public_access_block")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_assets(pilot)
        assert "No information assets yet" in plain(screen.query_one("#assets-summary",
                                                                     Static))
        side = plain(screen.query_one("#assets-side-text", Static))
        assert "Not covered by an asset (3)" in side and "cap-table-prod" in side
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AssetModal)
        dialog.query_one("#asset-name", Input).value = "investor cap tables"
        dialog.query_one("#asset-value", Select).value = 3
        dialog.query_one("#asset-description", Input).value = "who owns which startup"
        dialog.query_one("#asset-links", TextArea).text = "pattern:CAP-TABLE*"
        await pilot.pause(0.5)
        await settle(pilot)
        assert "hit 1 resource" in str(dialog.query_one("#asset-preview", Label).render())
        dialog.query_one("#ok", Button).press()
        await settle(pilot)
        [asset] = assets.list_assets(store, sid)
        assert (asset.name, asset.value, asset.description) == (
            "investor cap tables", 3, "who owns which startup")
        assert [lk.label for lk in asset.links] == ["pattern:CAP-TABLE*"]
        assert rule_done(store, app.catalog, sid, "assets_declared")
        after = _score(store, app, "s3.bucket_public_access_block")
        assert after == before // 2 * 3  # asset value 2 (unclassified) → 3
        assert str(screen.query_one(DataTable).get_row_at(0)[4]).strip() == "1"
        detail = plain(screen.query_one("#asset-detail-text", Static))
        assert "hits 1" in detail and "cap-table-prod" in detail and "Matrix rows (2)" in detail
        assert "Covered (1)" in plain(screen.query_one("#assets-side-text", Static))
        assert any("2 open matrix rows now score with it" in n.message
                   for n in app._notifications)


@asynctest
async def test_picking_a_data_store_and_editing_links(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    sid = app.session.id
    seed_org(store, sid)
    made = assets.add_asset(store, sid, "marketing site", 1, links=["pattern:static-*"])
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_assets(pilot)
        await pilot.press("l")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AssetModal)
        picker = dialog.query_one("#asset-picker", OptionList)
        assert dialog.focused is picker
        index = next(i for i in range(picker.option_count)
                     if str(picker.get_option_at_index(i).id).endswith("|app-db"))
        picker.highlighted = index
        await pilot.press("enter")
        await pilot.pause()
        area = dialog.query_one("#asset-links", TextArea)
        assert area.text.splitlines() == ["pattern:static-*", "pattern:app-db"]
        area.text = "pattern:app-db\ntag:data=investor"  # one unlinked, two linked
        dialog.query_one("#ok", Button).press()
        await settle(pilot)
        [asset] = assets.list_assets(store, sid)
        assert asset.id == made.id
        assert sorted(lk.label for lk in asset.links) == ["pattern:app-db",
                                                           "tag:data=investor"]
        assert str(screen.query_one(DataTable).get_row_at(0)[4]).strip() == "2"


@asynctest
async def test_bad_links_and_duplicate_names_are_refused(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    seed_org(store, app.session.id)
    assets.add_asset(store, app.session.id, "user accounts", 3)
    async with app.run_test(size=SIZE) as pilot:
        await open_assets(pilot)
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AssetModal)
        dialog.query_one("#asset-name", Input).value = "user accounts"
        dialog.query_one("#ok", Button).press()
        await pilot.pause()
        assert "already exists" in str(dialog.query_one("#asset-error").render())
        dialog.query_one("#asset-name", Input).value = "product analytics"
        dialog.query_one("#asset-links", TextArea).text = "bucket:analytics"
        dialog.query_one("#ok", Button).press()
        await pilot.pause()
        assert app.screen is dialog
        assert "expected arn:VALUE" in str(dialog.query_one("#asset-error").render())
        await pilot.press("escape")
        await settle(pilot)
    assert [a.name for a in assets.list_assets(store, app.session.id)] == ["user accounts"]


@asynctest
async def test_delete_asks_first(tmp_path: Path) -> None:
    app, store = make_app(tmp_path)
    seed_org(store, app.session.id)
    assets.add_asset(store, app.session.id, "user accounts", 3, links=["pattern:app-db"])
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_assets(pilot)
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        app.screen.query_one("#cancel", Button).press()
        await settle(pilot)
        assert len(assets.list_assets(store, app.session.id)) == 1
        await pilot.press("delete")
        await pilot.pause()
        app.screen.query_one("#ok", Button).press()
        await settle(pilot)
        assert assets.list_assets(store, app.session.id) == []
        assert screen.query_one(DataTable).row_count == 0
