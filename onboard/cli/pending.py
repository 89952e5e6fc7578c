"""Sub-commands whose issue has not landed yet: they say so and exit 2."""

from __future__ import annotations

import argparse

from onboard.cli.common import UsageError
from onboard.i18n import _


def not_yet(feature: str) -> object:
    def run(args: argparse.Namespace) -> int:
        raise UsageError(_("{feature} is not yet available in this version of onboard")
                         .format(feature=feature))

    return run
