"""The box client against the emulator: probe, login, identity, URLs, cameras, errors."""

from __future__ import annotations

import asyncio
import os
import stat
import time
from typing import Any

import pytest

from gui.core.box.client import BoxClient, BoxError, is_uniform, local_address_towards
from gui.core.box.credentials import CredentialStore
from gui.core.box.emulator import BoxEmulator
from tests.core.loopback import free_box_address


def run(coro: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coro, 60))


@pytest.mark.parametrize("family", ["v5", "v6"])
def test_describe_reads_family_firmware_identity_urls_cameras(family: str) -> None:
    async def main() -> None:
        async with BoxEmulator(family, free_box_address(), seed=3) as box:
            box.history_urls = ["http://203.0.113.7:9061/box/cross/record/report"]
            async with BoxClient(box.address) as client:
                info = await client.describe()
            assert info.family == family
            assert info.firmware == ("V5R7C01" if family == "v5" else "V6R2C01")
            assert info.serial == box.serial and info.licence == box.dev_sno
            if family == "v5":
                assert info.mac == box.mac
            assert info.push["history"] == ["http://203.0.113.7:9061/box/cross/record/report"]
            assert [c.id for c in info.cameras] == [c.device_id for c in box.cameras]
            assert box.login_attempts == 1

    run(main())


@pytest.mark.parametrize("family", ["v5", "v6"])
def test_describe_reads_the_match_threshold(family: str) -> None:
    async def main() -> None:
        async with BoxEmulator(family, free_box_address(), seed=3) as box:
            async with BoxClient(box.address) as client:
                info = await client.describe()
            assert (info.threshold, info.score_scale) == (82.0, "0-100")

    run(main())


@pytest.mark.parametrize("family", ["v5", "v6"])
def test_wrong_password_is_an_auth_error(family: str) -> None:
    async def main() -> None:
        async with BoxEmulator(family, free_box_address(), password="s3cret") as box:
            async with BoxClient(box.address, "admin", "admin") as client:
                with pytest.raises(BoxError) as err:
                    await client.describe()
            assert err.value.kind == "auth" and err.value.http_status == 401
            assert "s3cret" not in str(err.value)
            async with BoxClient(box.address, "admin", "s3cret") as client:
                assert (await client.describe()).family == family

    run(main())


def test_unreachable_is_answered_fast() -> None:
    async def main() -> None:
        started = time.monotonic()
        async with BoxClient(free_box_address()) as client:  # nothing listens there
            with pytest.raises(BoxError) as err:
                await client.describe()
        assert err.value.kind == "unreachable" and err.value.http_status == 502
        assert time.monotonic() - started < 10

    run(main())


def test_something_else_answering_is_unknown_firmware() -> None:
    from aiohttp import web

    async def main() -> None:
        address = free_box_address()
        app = web.Application()

        async def html(_request: web.Request) -> web.Response:
            return web.Response(text="<html>hi</html>")

        app.router.add_route("*", "/{tail:.*}", html)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, address, 5555).start()
        try:
            async with BoxClient(address) as client:
                with pytest.raises(BoxError) as err:
                    await client.describe()
            assert err.value.kind == "firmware" and "V2R1" in err.value.message
        finally:
            await runner.cleanup()

    run(main())


@pytest.mark.parametrize("family", ["v5", "v6"])
def test_point_keeps_or_replaces_other_urls_and_reads_back(family: str) -> None:
    async def main() -> None:
        async with BoxEmulator(family, free_box_address()) as box:
            other = "http://203.0.113.7:9061/box/cross/record/report"
            box.history_urls = [other]
            async with BoxClient(box.address) as client:
                await client.describe()
                before = await client.push_urls()
                after = await client.set_push_urls("http://192.0.2.50:9528")
                assert after["history"] == [
                    other,
                    "http://192.0.2.50:9528/EventServer/api/HistoryEvent",
                ]
                assert box.history_urls == after["history"]
                assert box.status_url == "http://192.0.2.50:9528/DeviceStatus"
                if family == "v5":
                    assert box.realtime_urls == [
                        "http://192.0.2.50:9528/EventServer/api/RealTimeEvent"
                    ]
                else:
                    assert box.system_urls == ["http://192.0.2.50:9528/DeviceStatus"]
                # pointing twice adds nothing
                again = await client.set_push_urls("http://192.0.2.50:9528")
                assert again["history"] == after["history"]
                replaced = await client.set_push_urls("http://192.0.2.50:9528", keep_others=False)
                assert replaced["history"] == [
                    "http://192.0.2.50:9528/EventServer/api/HistoryEvent"
                ]
                restored = await client.restore_push_urls(before)
                assert restored["history"] == [other] and box.history_urls == [other]

    run(main())


def test_v6_window_unit_is_detected() -> None:
    async def main() -> None:
        for unit in ("s", "ms"):
            async with BoxEmulator(
                "v6", free_box_address(), record_unit=unit, window_unit=unit
            ) as box:
                box.generate(3, t=time.time() - 100)
                async with BoxClient(box.address) as client:
                    await client.describe()
                    assert await client.detect_window_unit() == unit
        # records in seconds but a window in milliseconds (the doc's contradiction)
        async with BoxEmulator("v6", free_box_address(), record_unit="s", window_unit="ms") as box:
            box.generate(3, t=time.time() - 100)
            async with BoxClient(box.address) as client:
                await client.describe()
                assert await client.detect_window_unit() == "ms"

    run(main())


def test_blank_register_picture_counts_as_missing() -> None:
    box = BoxEmulator("v6", "127.0.0.1")
    assert is_uniform(box.blank)
    assert not is_uniform(box.samples[0].reg)


def test_local_address_towards_loopback() -> None:
    assert local_address_towards("127.0.0.5").startswith("127.")


def test_credentials_file_is_private_and_keyring_used_when_there(tmp_path) -> None:
    store = CredentialStore(tmp_path, use_keyring=False)
    store.set("box-1", "admin", "pa55")
    assert store.get("box-1") == ("admin", "pa55")
    mode = stat.S_IMODE(os.stat(store.path).st_mode)
    assert mode == 0o600
    store.delete("box-1")
    assert store.get("box-1") is None

    import keyring
    from keyring.backend import KeyringBackend

    class Memory(KeyringBackend):
        priority = 10  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.items: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.items.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.items[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.items.pop((service, username), None)

    old = keyring.get_keyring()
    memory = Memory()
    keyring.set_keyring(memory)
    try:
        ring = CredentialStore(tmp_path / "ring")
        ring.set("box-2", "admin", "pa55")
        assert ring.get("box-2") == ("admin", "pa55")
        assert not ring.path.exists()  # nothing on disk
        assert memory.items
    finally:
        keyring.set_keyring(old)
