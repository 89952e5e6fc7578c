"""The TUI's screens, and the one place that registers them for navigation.

To add a screen: write `onboard/screens/NAME.py` with a
subclass of `OnboardScreen`, then append a `ScreenSpec` to `SCREENS` below. The app builds
its tab bar, number keys, mnemonic keys, command-palette entries and the targets of week
tasks (`task.screen`) from this tuple; nothing else needs to change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from onboard.i18n import N_, _
from onboard.models import Phase

if TYPE_CHECKING:
    from onboard.screens.base import OnboardScreen


@dataclass(frozen=True)
class ScreenSpec:
    id: str
    """Stable id: stored in ui_state and named by week tasks' `screen:`."""
    title: str
    key: str
    """Number key (shown in the tab bar and footer)."""
    mnemonic: str | None
    """Letter key; must not clash with a screen's own keys (see screens/base.py)."""
    phase: Phase
    """The OODA phase the screen belongs to (its colour)."""
    factory: Callable[[], OnboardScreen]
    summary: str
    """One line for the command palette."""
    short: str = ""
    """The tab's label when the terminal is narrow (default: the title)."""


def _week() -> OnboardScreen:
    from onboard.screens.week import WeekScreen

    return WeekScreen()


def _discovery() -> OnboardScreen:
    from onboard.screens.discovery import DiscoveryScreen

    return DiscoveryScreen()


def _interviews() -> OnboardScreen:
    from onboard.screens.interviews import InterviewsScreen

    return InterviewsScreen()


def _review() -> OnboardScreen:
    from onboard.screens.review import ReviewScreen

    return ReviewScreen()


def _matrix() -> OnboardScreen:
    from onboard.screens.matrix import MatrixScreen

    return MatrixScreen()


def _assets() -> OnboardScreen:
    from onboard.screens.assets import AssetsScreen

    return AssetsScreen()


def _actions() -> OnboardScreen:
    from onboard.screens.actions import ActionsScreen

    return ActionsScreen()


def _architecture() -> OnboardScreen:
    from onboard.screens.architecture import ArchitectureScreen

    return ArchitectureScreen()


def _sso() -> OnboardScreen:
    from onboard.screens.sso import SsoScreen

    return SsoScreen()


# In the order of the week (observe → orient → decide). Letters: a screen's own keys
# shadow the app's, so a mnemonic must be free on every screen (a, e, f, j, k, l, m, n,
# o, r, s, u, x, y are screen keys somewhere).
SCREENS: tuple[ScreenSpec, ...] = (
    ScreenSpec("week", N_("Week"), "1", "w", Phase.OBSERVE, _week,
               N_("the plan for the week: what to do today")),
    ScreenSpec("discovery", N_("Discovery"), "2", "d", Phase.OBSERVE, _discovery,
               N_("every AWS account, including the ones nobody mentioned"), N_("Accts")),
    ScreenSpec("interviews", N_("Interviews"), "3", "i", Phase.OBSERVE, _interviews,
               N_("questions for the person who knows the AWS setup"), N_("Intv")),
    ScreenSpec("review", N_("Review"), "4", "v", Phase.OBSERVE, _review,
               N_("scan the accounts and read the findings")),
    ScreenSpec("architecture", N_("Architecture"), "5", "h", Phase.OBSERVE, _architecture,
               N_("the architecture as a tree; import Terraform state here"), N_("Arch")),
    ScreenSpec("assets", N_("Assets"), "6", "b", Phase.ORIENT, _assets,
               N_("the information assets: what would hurt if it leaked or was lost")),
    ScreenSpec("matrix", N_("Matrix"), "7", "t", Phase.ORIENT, _matrix,
               N_("observation → assumed incident → reason, ranked by risk")),
    ScreenSpec("actions", N_("Actions"), "8", "p", Phase.DECIDE, _actions,
               N_("choose actions for the risky rows; the plan and the decision table"),
               N_("Acts")),
    ScreenSpec("sso", N_("Identity Center"), "9", None, Phase.DECIDE, _sso,
               N_("the IAM Identity Center plan: people, groups, permission sets"), N_("SSO")),
)


def screen_class(screen_id: str) -> type[OnboardScreen] | None:
    """The screen's class, for its bindings (the palette lists them without building it)."""
    import importlib

    from onboard.screens.base import OnboardScreen

    module = importlib.import_module(f"onboard.screens.{screen_id}")
    return next((c for c in vars(module).values()
                 if isinstance(c, type) and issubclass(c, OnboardScreen)
                 and screen_id == c.SCREEN_ID), None)


def spec(screen_id: str) -> ScreenSpec | None:
    return next((s for s in SCREENS if s.id == screen_id), None)


def where(screen_id: str) -> str:
    """'Assets (6)': how to name another screen in a hint."""
    found = spec(screen_id)
    return _("{screen} ({key})").format(screen=_(found.title), key=found.key) if found \
        else screen_id


NARROW_TABS = {"week": N_("tab:Week"), "review": N_("tab:Review"), "assets": N_("tab:Assets"),
               "matrix": N_("tab:Matrix")}
"""Narrow tab labels of the screens without a `short` one, for a language whose title is too
wide for 80 columns; English has none (the msgid is never shown: the title is)."""


def tab_title(s: ScreenSpec, narrow: bool) -> str:
    """The tab's label in the current language: the title, or the short one when narrow."""
    if not narrow:
        return _(s.title)
    if s.id in NARROW_TABS:
        label = _(NARROW_TABS[s.id])
        if label != NARROW_TABS[s.id]:
            return label
    return _(s.short or s.title)
