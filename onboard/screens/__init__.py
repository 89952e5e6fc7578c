"""The TUI's screens, and the one place that registers them for navigation.

To add a screen (Matrix, Assets, Actions, ...): write `onboard/screens/NAME.py` with a
subclass of `OnboardScreen`, then append a `ScreenSpec` to `SCREENS` below. The app builds
its tab bar, number keys, mnemonic keys, command-palette entries and the targets of week
tasks (`task.screen`) from this tuple; nothing else needs to change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

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


SCREENS: tuple[ScreenSpec, ...] = (
    ScreenSpec("week", "Week", "1", "w", Phase.OBSERVE, _week,
               "the plan for the week: what to do today"),
    ScreenSpec("discovery", "Discovery", "2", "d", Phase.OBSERVE, _discovery,
               "every AWS account, including the ones nobody mentioned"),
    ScreenSpec("interviews", "Interviews", "3", "i", Phase.OBSERVE, _interviews,
               "questions for the person who knows the AWS setup"),
    ScreenSpec("review", "Review", "4", "v", Phase.OBSERVE, _review,
               "scan the accounts and read the findings"),
)


def spec(screen_id: str) -> ScreenSpec | None:
    return next((s for s in SCREENS if s.id == screen_id), None)
