"""Short words the screens show for codes (statuses, efforts, values), in the current
language: the context msgids of `onboard.labels` ("Actions status|done"), shared with the
report and the CLI."""

from __future__ import annotations

from onboard.labels import C_
from onboard.labels import label as word

__all__ = ["C_", "word"]
