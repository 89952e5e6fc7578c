"""An AWS CLI (v1) plugin for the fix-script proof only, two emulator shims: on a moto
server, S3 Control's `<account>.127.0.0.1` host cannot resolve, so drop the account prefix
as the demo does; and awscli v1 pins a few services' endpoints in some regions (rds in
us-east-1) over AWS_ENDPOINT_URL, so drop those pins to reach the server.

Loaded through the test's AWS config: `[plugins]` `moto_s3control = tests.awscli_moto_plugin`.
"""

from __future__ import annotations

from typing import Any


def awscli_initialize(event_hooks: Any) -> None:
    from awscli.customizations import overridesslcommonname

    from onboard.demo import strip_account_host

    overridesslcommonname.SSL_COMMON_NAMES.clear()
    event_hooks.register("before-send.s3-control", strip_account_host)
