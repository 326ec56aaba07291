"""Shared fixtures: sample events, and a real receiver on an ephemeral port."""

from __future__ import annotations

import faulthandler
import gc
import http.client
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hypothesis
import pytest

from tests import alone
from tests.pg_fixtures import (  # noqa: F401 - fixtures for every test
    engine,
    engine_store,
    pg_empty_url,
    pg_server,
    pg_url,
    store_url,
)

# Before any QApplication exists (pytest-qt creates it lazily).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
SAMPLES_DIR = ROOT / "assets" / "samples"
SAMPLE_NAMES = ("employee_match", "stranger", "blacklist", "seed_example")


def load_sample(name: str) -> dict[str, Any]:
    return json.loads((SAMPLES_DIR / f"{name}.json").read_text(encoding="utf-8"))


def make_summary(**fields: Any) -> Any:
    """An ``EventSummary`` with plain defaults: a test names only the fields it is about."""
    from gui.core.model import EventSummary

    defaults: dict[str, Any] = {
        "id": 1, "received_at": 0, "timestamp": 0, "identity_id": "x", "identity_name": None,
        "person_type": 1, "score": None, "want_action": None, "ep_id": None, "ep_name": None,
        "device_id": None, "dev_sno": None, "format": "1.0", "path": "/",
        "source_ip": "127.0.0.1", "warning_codes": (), "image_kinds": (),
    }  # fmt: skip
    return EventSummary(**{**defaults, **fields})


def wait_for(predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
    """Poll until ``predicate()`` is truthy and return it (falsy after ``timeout`` s).

    For what happens after a reply (request log, thumbnails, checkpoints).
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.02)


#: A descriptor of the real stderr, for crash tracebacks (never the capture's file).
REAL_STDERR = pytest.StashKey[int]()


def pytest_configure(config: pytest.Config) -> None:
    """Output capture is suspended while plugins configure: fd 2 is the terminal (or CI log)."""
    config.stash[REAL_STDERR] = os.dup(2)
    # As the app does (gui/ui/gui_gc.py): cyclic garbage is collected on this, the
    # GUI thread, between tests - never by whichever core or worker thread happens
    # to allocate, which would destroy a parentless QObject on the wrong thread.
    gc.disable()
    alone.configure(config)


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's hook, called when it starts a worker
def pytest_configure_node(node: Any) -> None:
    alone.configure_node(node)


def pytest_unconfigure(config: pytest.Config) -> None:
    alone.unconfigure(config)


@pytest.hookimpl(tryfirst=True, wrapper=True)  # outermost: before pytest-timeout's timer
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[Any]:
    """Under xdist, an ``alone`` test runs with no other test beside it (tests/alone.py)."""
    with alone.guard(item):
        return (yield)


#: pytest-timeout's limit for property tests (the ini's ``timeout`` for the rest). Their
#: hundreds of examples take ~30 s on an idle CI core and four times that beside two
#: CPU burners (scripts/stress-tests.sh), where the 120 s limit killed them.
PROPERTY_TEST_TIMEOUT = 600


# Hypothesis's "data generation is too slow" health check measures wall time: on a
# loaded machine it fails tests whose properties hold. Every other check stays on.
hypothesis.settings.register_profile(
    "gatewatch", suppress_health_check=[hypothesis.HealthCheck.too_slow]
)
hypothesis.settings.load_profile("gatewatch")


@pytest.hookimpl(trylast=True)  # after hypothesis's plugin has marked its tests
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("hypothesis") and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(PROPERTY_TEST_TIMEOUT))


@pytest.fixture(autouse=True)
def _collect_garbage_on_the_main_thread() -> Iterator[None]:
    yield
    if gc.isenabled():  # back on, it would collect on worker threads in every later test
        gc.disable()
        pytest.fail("the test left Python's automatic garbage collector switched on")
    gc.collect(1)  # the young generations after every test; everything now and then
    if gc.get_count()[2] > gc.get_threshold()[2]:
        gc.collect()


def real_stderr(config: pytest.Config) -> int:
    return config.stash[REAL_STDERR]


@pytest.fixture(autouse=True)
def _faulthandler_on_real_stderr(request: pytest.FixtureRequest) -> Iterator[None]:
    """After every test, crash tracebacks go to the real stderr again.

    Code under test may point faulthandler elsewhere (``gui.logs.setup`` to the
    crash-dump file, a test's cleanup to ``sys.__stderr__``, which is fd 2 — the
    capture's temporary file while a test runs): a later segfault would then
    print nothing at all.
    """
    yield
    faulthandler.enable(file=real_stderr(request.config), all_threads=True)


@pytest.fixture(autouse=True)
def _english_after_each_test() -> Iterator[None]:
    """Every test starts in the source language, whatever the one before it chose.

    A window made with ``language="zh_CN"`` installs Chinese translators on the one
    QApplication the worker shares; left there, every later test in that worker reads
    Chinese labels (``'9 个事件' == '9 events'``).
    """
    yield
    i18n = sys.modules.get("gui.ui.i18n")  # never import Qt for a test that did not
    if i18n is not None and i18n.current_language() != "en":
        i18n.install("en")


@pytest.fixture(autouse=True)
def _isolated_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Never read or write the developer's real settings."""
    monkeypatch.setenv("GATEWATCH_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))


@pytest.fixture
def samples() -> dict[str, dict[str, Any]]:
    return {name: load_sample(name) for name in SAMPLE_NAMES}


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body)


class Client:
    """A tiny synchronous HTTP client: tests talk to the real server over TCP."""

    def __init__(self, port: int, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = port

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return Reply(resp.status, resp.read(), dict(resp.getheaders()))
        finally:
            conn.close()

    def post_json(self, path: str, value: Any, content_type: str = "application/json") -> Reply:
        body = json.dumps(value, ensure_ascii=False).encode()
        return self.request("POST", path, body, {"Content-Type": content_type})

    def post_form(self, path: str, fields: dict[str, str], boundary: str = "gwboundary") -> Reply:
        """POST ``fields`` as multipart/form-data, one text part each."""
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{text}\r\n'
            for name, text in fields.items()
        ]
        body = ("".join(parts) + f"--{boundary}--\r\n").encode()
        return self.request(
            "POST", path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def get_json(self, path: str) -> Any:
        reply = self.get(path)
        assert reply.status == 200, (reply.status, reply.body[:300])
        return reply.json()


@pytest.fixture
def receiver(tmp_path: Path) -> Iterator[Any]:
    """A started receiver on its own thread (as in the desktop app), port chosen by the OS."""
    from gui.core.receiver import Receiver, ReceiverConfig, ReceiverThread

    rec = Receiver(ReceiverConfig(data_dir=tmp_path / "data", port=0, bind="127.0.0.1"))
    thread = ReceiverThread(rec)
    thread.start()
    rec.thread = thread  # type: ignore[attr-defined]
    yield rec
    thread.stop()


@pytest.fixture
def client(receiver: Any) -> Client:
    return Client(receiver.port)
