"""The packaged app's smaller ICU data (scripts/icu_filter.py): Qt on it answers as on the full
data for the app's languages, and the library is a fraction of the size."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import icu_filter  # noqa: E402

sys.path.pop(0)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux build step")

# What Qt Core asks ICU for (objdump -T libQt6Core.so.6): collation, time zone names,
# converters, case mapping. Printed as JSON by a fresh interpreter.
PROBE = r"""
import json
from PySide6.QtCore import QCollator, QLocale, QStringDecoder, QTimeZone
names = ["张", "李", "王", "赵", "zoe", "Émile", "adam"]
out = {}
for loc in ("zh_CN", "zh_TW", "en_US", "en_GB", "C"):
    out["sort " + loc] = sorted(names, key=QCollator(QLocale(loc)).sortKey)
for zone in (b"Asia/Shanghai", b"Europe/Berlin", b"America/New_York"):
    for loc in ("zh_CN", "en_US"):
        tz = QTimeZone(zone)
        out[f"tz {zone.decode()} {loc}"] = [
            tz.displayName(kind, name, QLocale(loc))
            for kind in (QTimeZone.StandardTime, QTimeZone.DaylightTime)
            for name in (QTimeZone.LongName, QTimeZone.ShortName, QTimeZone.OffsetName)
        ]
for enc in ("GB18030", "GBK", "windows-1252", "ISO-8859-2", "KOI8-R"):
    out["codec " + enc] = QStringDecoder(enc).isValid()
out["case"] = [QLocale("tr_TR").toUpper("i"), QLocale("en_US").toUpper("straße"),
               QLocale("zh_CN").toLower("ÄB"), QLocale("el_GR").toUpper("άλφα")]
with open("/proc/self/maps") as f:
    out["loaded"] = sorted({l.split()[-1] for l in f if "libicudata" in l})
print(json.dumps(out, ensure_ascii=False))
"""


def _qt_icudata() -> Path:
    import PySide6

    found = sorted((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))
    if not found:
        pytest.skip("this PySide6 build has no ICU data library")
    return found[0]


def _probe(preload: Path | None) -> dict[str, object]:
    env = dict(os.environ)
    if preload is not None:
        env["LD_PRELOAD"] = str(preload)  # same soname: libicuuc binds to it, not the wheel's
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, object] = json.loads(done.stdout)
    return result


@pytest.fixture(scope="module")
def filtered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("cc") is None and shutil.which("gcc") is None:
        pytest.skip("no C compiler: the build keeps the full ICU data")
    return icu_filter.filtered_library(_qt_icudata(), tmp_path_factory.mktemp("icu"))


def test_filtered_library_is_small_and_links_like_the_original(filtered: Path) -> None:
    full = _qt_icudata()
    assert filtered.name == full.name
    assert filtered.stat().st_size < 8 * 2**20 < 25 * 2**20 < full.stat().st_size
    symbol, package = icu_filter._elf_symbol(filtered.read_bytes())
    assert symbol == icu_filter._elf_symbol(full.read_bytes())[0]
    _header, items = icu_filter.read_package(package)
    names = {n.split("/", 1)[1] for n, _ in items}
    assert {"coll/zh.res", "coll/root.res", "coll/ucadata.icu", "zone/zh.res",
            "zoneinfo64.res", "metaZones.res", "cnvalias.icu", "gb18030.cnv",
            "zh_Hans_CN.res", "en.res", "root.res", "pool.res"} <= names  # fmt: skip
    assert not {"brkitr/cjdict.dict", "translit/root.res", "de.res", "coll/de.res"} & names


def test_qt_answers_the_same_for_the_apps_languages(filtered: Path) -> None:
    full = _probe(None)
    small = _probe(filtered)
    assert small["loaded"] == [str(filtered)]  # the probe really ran on the filtered data
    assert full["loaded"] != small["loaded"]
    full.pop("loaded")
    small.pop("loaded")
    assert small == full
    # and the Chinese order is pinyin (the zh collation data is there, not root's)
    assert small["sort zh_CN"][:4] == ["李", "王", "张", "赵"]
    assert small["tz Asia/Shanghai zh_CN"][0] == "中国标准时间"


def test_package_round_trip_keeps_every_item() -> None:
    _symbol, package = icu_filter._elf_symbol(_qt_icudata().read_bytes())
    header, items = icu_filter.read_package(package)
    again = icu_filter.read_package(icu_filter.write_package(header, items))
    assert again == (header, items) and len(items) > 3000


@pytest.mark.parametrize(
    ("item", "kept"),
    [
        ("icudt73l/brkitr/line.brk", False),
        ("icudt73l/curr/zh.res", False),
        ("icudt73l/coll/zh.res", True),
        ("icudt73l/coll/sv.res", False),
        ("icudt73l/zone/zh_Hant_TW.res", True),
        ("icudt73l/zone/fr.res", False),
        ("icudt73l/zone/tzdbNames.res", True),
        ("icudt73l/en_US_POSIX.res", True),
        ("icudt73l/yue.res", False),
        ("icudt73l/supplementalData.res", True),
        ("icudt73l/pool.res", True),
        ("icudt73l/res_index.res", True),
        ("icudt73l/gb18030.cnv", True),
        ("icudt73l/euc-tw-2014.cnv", False),
        ("icudt73l/uts46.nrm", True),
    ],
)
def test_what_is_kept(item: str, kept: bool) -> None:
    assert icu_filter.keep(item) is kept


def test_single_byte_code_pages_are_kept_by_size() -> None:
    assert icu_filter.keep_converter_by_size("icudt73l/ibm-5348_P100-1997.cnv", 3200)
    assert not icu_filter.keep_converter_by_size("icudt73l/ibm-1390_P110-2003.cnv", 167104)
    assert not icu_filter.keep_converter_by_size("icudt73l/zh.res", 100)
