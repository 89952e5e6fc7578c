"""Information assets: what would hurt if it leaked or was lost, and which resources hold it.

An asset has a value 1–3 and links to resources by ARN, by name pattern (fnmatch on the
resource id or name) or by tag (`key=value`, matched against the inventory's tags). The
matrix's risk score takes the highest value among the assets its resources hold.
Core only: no UI imports; the Assets screen and `onboard assets` call these functions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from fnmatch import fnmatchcase
from typing import Any

from onboard.models import Asset, AssetLink, LinkKind, Resource, RowResource
from onboard.store import Store

LINK_KINDS: tuple[str, ...] = ("arn", "pattern", "tag")


class AssetError(ValueError):
    """Bad asset input (value out of range, malformed link); one line for the user."""


# --- CRUD ---------------------------------------------------------------------------------


def _check_value(value: int) -> int:
    if not isinstance(value, int) or not 1 <= value <= 3:
        raise AssetError(f"asset value must be 1, 2 or 3, not {value!r}")
    return value


def parse_link(text: str) -> tuple[LinkKind, str]:
    """'pattern:cap-table*' → ('pattern', 'cap-table*'); 'arn:aws:…' alone is an ARN link;
    'tag:data=investor' → ('tag', 'data=investor')."""
    text = text.strip()
    if text.startswith("arn:aws") or text.startswith("arn:*"):
        return "arn", text
    kind, sep, value = text.partition(":")
    if not sep or kind not in LINK_KINDS:
        raise AssetError(f"link {text!r}: expected arn:VALUE, pattern:GLOB or tag:KEY=VALUE")
    return _check_link(kind, value)  # type: ignore[arg-type]


def _check_link(kind: str, value: str) -> tuple[LinkKind, str]:
    value = value.strip()
    if kind not in LINK_KINDS:
        raise AssetError(f"link kind must be arn, pattern or tag, not {kind!r}")
    if not value:
        raise AssetError(f"{kind} link: empty value")
    if kind == "tag" and (not value.partition("=")[1] or not value.partition("=")[0].strip()):
        raise AssetError(f"tag link {value!r}: expected KEY=VALUE (VALUE may use * and ?)")
    if kind == "arn" and not value.startswith("arn:"):
        raise AssetError(f"arn link {value!r}: an ARN starts with 'arn:'")
    return kind, value  # type: ignore[return-value]


def list_assets(store: Store, session_id: int) -> list[Asset]:
    """All assets, most valuable first, then by name."""
    return store.assets(session_id)


def get_asset(store: Store, session_id: int, ref: int | str) -> Asset:
    """An asset by id or by exact name; AssetError if there is none."""
    assets = list_assets(store, session_id)
    for asset in assets:
        if asset.name == ref:
            return asset
    for asset in assets:
        if str(asset.id) == str(ref):
            return asset
    raise AssetError(f"no information asset {ref!r}")


def add_asset(store: Store, session_id: int, name: str, value: int, description: str = "",
              links: Iterable[str] = ()) -> Asset:
    """Declare an asset, e.g. ('investor cap tables', 3, links=['pattern:cap-table*'])."""
    name = name.strip()
    if not name:
        raise AssetError("an asset needs a name")
    _check_value(value)
    parsed = [parse_link(text) for text in links]
    if any(a.name == name for a in list_assets(store, session_id)):
        raise AssetError(f"an asset named {name!r} already exists")
    asset_id = store.add_asset(session_id, name, description, value)
    for kind, link_value in parsed:
        store.add_asset_link(asset_id, kind, link_value)
    return get_asset(store, session_id, asset_id)


def update_asset(store: Store, session_id: int, asset_id: int, *, name: str | None = None,
                 value: int | None = None, description: str | None = None) -> Asset:
    fields: dict[str, Any] = {}
    if name is not None:
        if not name.strip():
            raise AssetError("an asset needs a name")
        fields["name"] = name.strip()
    if value is not None:
        fields["value"] = _check_value(value)
    if description is not None:
        fields["description"] = description
    get_asset(store, session_id, asset_id)
    if fields:
        store.update_asset(asset_id, **fields)
    return get_asset(store, session_id, asset_id)


def delete_asset(store: Store, session_id: int, asset_id: int) -> None:
    get_asset(store, session_id, asset_id)
    store.delete_asset(asset_id)


def link_asset(store: Store, session_id: int, asset_id: int, kind: str,
               value: str) -> AssetLink:
    """Link an asset to resources (by ARN, name pattern or tag)."""
    get_asset(store, session_id, asset_id)
    kind, value = _check_link(kind, value)
    link_id = store.add_asset_link(asset_id, kind, value)
    return AssetLink(id=link_id, kind=kind, value=value)


def unlink_asset(store: Store, session_id: int, link_id: int) -> None:
    store.delete_asset_link(link_id)


# --- matching -----------------------------------------------------------------------------


def _tags(resource: Resource) -> dict[str, str]:
    tags = resource.attrs.get("tags") or {}
    if isinstance(tags, list):  # the raw AWS [{"Key": …, "Value": …}] shape
        return {str(t.get("Key")): str(t.get("Value", "")) for t in tags
                if isinstance(t, dict) and "Key" in t}
    if isinstance(tags, dict):
        return {str(k): "" if v is None else str(v) for k, v in tags.items()}
    return {}


def _glob(pattern: str, value: str | None, fold: bool = False) -> bool:
    if not value:
        return False
    if fold:
        return fnmatchcase(value.lower(), pattern.lower())
    return fnmatchcase(value, pattern)


class AssetIndex:
    """Answers 'which assets does this resource hold?' for one scan's inventory.

    Patterns match case-insensitively on the resource id and its inventory name; ARNs
    match exactly (or as a glob when they contain * or ?); tags match the key exactly and
    the value as a glob.
    """

    def __init__(self, assets: list[Asset], inventory: Iterable[Resource] = ()) -> None:
        self.assets = assets
        self.inventory = list(inventory)
        self._by_id: dict[tuple[str, str], list[Resource]] = defaultdict(list)
        self._by_arn: dict[str, list[Resource]] = defaultdict(list)
        for r in self.inventory:
            self._by_id[(r.account_id, r.id)].append(r)
            if r.arn:
                self._by_arn[r.arn].append(r)

    @classmethod
    def load(cls, store: Store, session_id: int, scan_id: int | None,
             full: bool = False) -> AssetIndex:
        """Assets of the session; the inventory of `scan_id` when a link needs it (or
        always with `full`, for `inventory_matches`)."""
        assets = list_assets(store, session_id)
        needs_inventory = full or any(lk.kind in ("tag", "pattern")
                                      for a in assets for lk in a.links)
        inventory = store.resources(scan_id) if (needs_inventory and scan_id) else []
        return cls(assets, inventory)

    def inventory_for(self, res: RowResource) -> list[Resource]:
        found = list(self._by_arn.get(res.resource_arn or "", []))
        for r in self._by_id.get((res.account_id, res.resource_id), []):
            if r not in found and (not res.resource_type or r.type == res.resource_type):
                found.append(r)
        return found

    def _matches(self, link: AssetLink, res: RowResource, inv: list[Resource]) -> bool:
        if link.kind == "arn":
            arns = {res.resource_arn, *(r.arn for r in inv)} - {None, ""}
            return any(_glob(link.value, a) for a in arns)
        if link.kind == "pattern":
            names = {res.resource_id, *(r.name for r in inv), *(r.id for r in inv)}
            return any(_glob(link.value, n, fold=True) for n in names)
        key, _, pattern = link.value.partition("=")
        key, pattern = key.strip(), pattern.strip()
        for r in inv:
            tags = _tags(r)
            if key in tags and (pattern in ("", "*") or fnmatchcase(tags[key], pattern)):
                return True
        return False

    def assets_for(self, res: RowResource) -> list[Asset]:
        """Assets this resource holds, most valuable first."""
        inv = self.inventory_for(res)
        return [a for a in self.assets if any(self._matches(lk, res, inv) for lk in a.links)]

    def matched_resources(self, asset: Asset, resources: Iterable[RowResource]
                          ) -> list[RowResource]:
        """Which of `resources` the asset's links match (for 'what does this link hit?')."""
        return [r for r in resources
                if any(self._matches(lk, r, self.inventory_for(r)) for lk in asset.links)]

    def inventory_matches(self, asset: Asset) -> list[Resource]:
        """Every inventory resource the asset's links match (needs `load(full=True)`)."""
        return [r for r in self.inventory
                if any(self._matches(lk, as_row_resource(r), [r]) for lk in asset.links)]


def as_row_resource(r: Resource) -> RowResource:
    return RowResource(account_id=r.account_id, region=r.region, resource_id=r.id,
                       resource_arn=r.arn, resource_type=r.type)
