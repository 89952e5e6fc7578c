"""Shared fixtures: fake AWS credentials, moto, and collector contexts."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from onboard import i18n
from onboard.aws.collect.base import Context

ACCOUNT = "123456789012"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
                  ) -> None:
    """No test ever sees real credentials, a real profile or the user's database."""
    for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN",
                "AWS_SECURITY_TOKEN", "AWS_ENDPOINT_URL", "ONBOARD_CHECKLISTS"):
        monkeypatch.delenv(var, raising=False)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / "aws_config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "aws_credentials"))
    monkeypatch.setenv("ONBOARD_DB", str(home / "onboard.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    # English unless a test asks for another language: a machine whose locale is Japanese
    # must not change what the English tests read.
    monkeypatch.delenv("ONBOARD_LANG", raising=False)
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if os.environ.get(var, "") and not os.environ[var].lower().startswith(("en", "c", "posix")):
            monkeypatch.setenv(var, "C.UTF-8")
    i18n.start(None)


@pytest.fixture
def japanese() -> Iterator[None]:
    """The process speaks Japanese for one test; English again after it, bindings too."""
    i18n.set_language("ja")
    try:
        yield
    finally:
        i18n.set_language("en")
        from onboard.screens.speak import speak_bindings

        speak_bindings()  # the classes' bindings back in English for the next test


@pytest.fixture
def aws() -> Iterator[None]:
    """moto's in-process AWS for unit tests of collectors."""
    with mock_aws():
        yield


@pytest.fixture
def make_ctx() -> Callable[..., Context]:
    """Build a collector Context on the default moto account (or a given one)."""

    def build(region: str = "us-east-1", account_id: str = ACCOUNT,
              session: boto3.Session | None = None) -> Context:
        sess = session or boto3.Session()
        cache: dict[tuple[str, str | None], Any] = {}

        def client_for(service: str, region_name: str | None = None) -> Any:
            key = (service, region_name)
            if key not in cache:
                cache[key] = sess.client(service, region_name=region_name or region)
            return cache[key]

        return Context(account_id=account_id, region=region, partition="aws",
                       client_for=client_for)

    return build


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("MOTO_ALLOW_NONEXISTENT_REGION", "false")


# --- test tiers -----------------------------------------------------------------------------
# Every test lands in one tier, so a newcomer can run the fast one while they work:
#   unit  pure core on hand-made data (seconds)       pytest -m unit
#   moto  AWS through moto in-process                  pytest -m moto
#   tui   the Textual app through Pilot                pytest -m tui
#   e2e   subprocesses, moto servers, tmux, the wheel  pytest -m e2e   (also marked slow)
TIERS = ("unit", "moto", "tui", "e2e")
MOTO_FIXTURES = {"aws", "make_ctx", "moto_server_env", "moto_server_url"}


def _tier(item: pytest.Item) -> str:
    name = item.path.name if hasattr(item, "path") else ""
    fixtures = set(getattr(item, "fixturenames", ()))
    if item.get_closest_marker("slow") or name.startswith(("test_e2e", "test_tmux",
                                                            "test_wheel")):
        return "e2e"
    if name.startswith("test_app_") or name in ("test_read_purity.py",):
        return "tui"
    if fixtures & MOTO_FIXTURES or name.startswith("test_collect_"):
        return "moto"
    return "unit"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if not any(item.get_closest_marker(t) for t in TIERS):
            item.add_marker(getattr(pytest.mark, _tier(item)))
