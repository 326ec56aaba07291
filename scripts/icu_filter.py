"""Build step: a smaller ICU data library for the packaged app (Linux).

Qt Core in the PySide6 wheels links ICU, and ``libicudata.so.NN`` (30 MB) holds
ICU's whole data package: every locale's names of currencies, languages, units
and regions, line-break dictionaries for Thai, Khmer, Lao, Burmese, Chinese and
Japanese, transliterators, number spell-out rules, and some 200 legacy
converters. Qt calls only a few ICU services (``objdump -T libQt6Core.so.6``):

- case mapping (``u_strToUpper``/``u_strToLower``): ICU's code, no data file;
- collation (``ucol_*``, ``QCollator``): kept — the root order, Chinese (pinyin,
  stroke...) and English;
- time zones (``ucal_*``, ``QTimeZone`` display names): kept — the zone rules
  and the zone names of root, English and Chinese;
- converters (``ucnv_*``, ``QStringConverter`` for non-UTF encodings): the
  alias table, the single-byte code pages and GB18030/GBK are kept.

Break iteration, number and date formatting, transliteration and display names
are ICU services Qt does not call (it has its own tables for those), so their
data goes. The filtered package is wrapped back into a library with the same
soname and the one symbol ``icudtNN_dat`` that ``libicuuc`` links to.

``python scripts/icu_filter.py LIBICUDATA OUT`` writes the filtered library;
``build.spec`` calls ``filtered_library``.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

#: Locales whose data is kept (the app's languages); "root" is always kept.
KEEP_LANGUAGES = ("en", "zh")
#: Data trees Qt never reads (no ICU service it calls opens them).
DROP_TREES = {"brkitr", "curr", "lang", "rbnf", "region", "translit", "unit"}
#: Trees kept for the app's languages only.
LOCALE_TREES = {"", "coll", "zone"}
#: Multi-byte converters kept besides the single-byte ones (Chinese Windows' code page).
KEEP_CONVERTERS = {"gb18030", "ibm-1386_P100-2001", "windows-936-2000"}
#: Converter tables up to this size are single-byte code pages (about 3 KB each).
SMALL_CONVERTER = 16 * 1024

_LOCALE = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]+)*$")
_ALIGN = 16
#: Resource names shaped like a locale that are the trees' own tables.
_NOT_LOCALES = {"res_index"}


def keep(item: str) -> bool:
    """Whether a data item (``icudt73l/coll/zh.res``...) stays in the filtered package."""
    parts = item.split("/")[1:]  # drop the package name
    tree = parts[0] if len(parts) > 1 else ""
    leaf = parts[-1]
    if tree in DROP_TREES:
        return False
    stem, _, ext = leaf.rpartition(".")
    if ext == "cnv":
        return stem in KEEP_CONVERTERS
    if tree in LOCALE_TREES and ext == "res" and _LOCALE.match(stem) and stem not in _NOT_LOCALES:
        return stem.split("_")[0] in KEEP_LANGUAGES
    return True  # root, pool, res_index, supplemental data, properties, normalization


def keep_converter_by_size(item: str, size: int) -> bool:
    return item.endswith(".cnv") and size <= SMALL_CONVERTER


# -- the common data format (ICU's udata.cpp, "CmnD") ----------------------------------------


def read_package(blob: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """(the package's header, [(item name, item bytes)]) of an ICU common data package."""
    header_size, magic1, magic2 = struct.unpack_from("<HBB", blob, 0)
    if (magic1, magic2) != (0xDA, 0x27) or blob[12:16] != b"CmnD" or blob[8] != 0:
        raise ValueError("not a little-endian ICU common data package (CmnD)")
    count = struct.unpack_from("<I", blob, header_size)[0]
    toc = [struct.unpack_from("<II", blob, header_size + 4 + 8 * i) for i in range(count)]
    items = []
    for i, (name_at, data_at) in enumerate(toc):
        start = header_size + name_at
        name = blob[start : blob.index(b"\0", start)].decode("ascii")
        end = toc[i + 1][1] if i + 1 < count else len(blob) - header_size
        items.append((name, blob[header_size + data_at : header_size + end]))
    return blob[:header_size], items


def write_package(header: bytes, items: list[tuple[str, bytes]]) -> bytes:
    """The package with exactly ``items`` (kept in ICU's sorted order; each 16-byte aligned)."""
    items = sorted(items, key=lambda kv: kv[0].encode("ascii"))  # ICU binary-searches names
    names = b"".join(n.encode("ascii") + b"\0" for n, _ in items)
    toc_size = 4 + 8 * len(items)
    data_at = toc_size + len(names)
    data_at += -(len(header) + data_at) % _ALIGN
    toc = [struct.pack("<I", len(items))]
    body = bytearray()
    name_at = toc_size
    for name, data in items:
        toc.append(struct.pack("<II", name_at, data_at + len(body)))
        name_at += len(name) + 1
        body += data
        body += b"\0" * (-len(body) % _ALIGN)
    padding = b"\0" * (data_at - toc_size - len(names))
    return header + b"".join(toc) + names + padding + bytes(body)


def filter_package(blob: bytes) -> bytes:
    header, items = read_package(blob)
    kept = [(n, d) for n, d in items if keep(n) or keep_converter_by_size(n, len(d))]
    return write_package(header, kept)


# -- the data library -----------------------------------------------------------------------


def _elf_symbol(lib: bytes) -> tuple[str, bytes]:
    """(name, bytes) of the ``icudtNN_dat`` symbol in an ELF64 little-endian library."""
    if lib[:4] != b"\x7fELF" or lib[4] != 2 or lib[5] != 1:
        raise ValueError("not an ELF64 little-endian library")
    shoff = struct.unpack_from("<Q", lib, 0x28)[0]
    shentsize, shnum = struct.unpack_from("<HH", lib, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", lib, shoff + i * shentsize) for i in range(shnum)]
    for sh in sections:
        if sh[1] != 11:  # SHT_DYNSYM
            continue
        strtab = sections[sh[6]]
        for off in range(sh[4], sh[4] + sh[5], sh[9]):
            st_name, _info, _other, _shndx, value, size = struct.unpack_from("<IBBHQQ", lib, off)
            start = strtab[4] + st_name
            name = lib[start : lib.index(b"\0", start)].decode("ascii")
            if re.fullmatch(r"icudt\d+_dat", name):
                for s in sections:  # the section holding it: address -> file offset
                    if s[3] <= value < s[3] + s[5] and s[1] != 8:  # not NOBITS
                        at = value - s[3] + s[4]
                        return name, lib[at : at + size]
    raise ValueError("no icudtNN_dat symbol in the library")


def _soname(lib_path: Path) -> str:
    return lib_path.name  # libicudata.so.73: the file is named by its soname in the wheels


def build_library(package: bytes, symbol: str, soname: str, out: Path) -> None:
    """A shared library exporting ``symbol`` (the package bytes), with ``soname``."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        raise RuntimeError("no C compiler (cc) to wrap the ICU data into a library")
    with tempfile.TemporaryDirectory() as tmp:
        dat = Path(tmp) / "icudata.dat"
        dat.write_bytes(package)
        asm = Path(tmp) / "icudata.S"
        asm.write_text(
            f"""    .section .rodata
    .globl {symbol}
    .type {symbol}, @object
    .balign 16
{symbol}:
    .incbin "{dat}"
    .size {symbol}, . - {symbol}
    .section .note.GNU-stack,"",@progbits
""",
            encoding="ascii",
        )
        subprocess.run(
            [cc, "-shared", "-nostdlib", f"-Wl,-soname,{soname}", "-Wl,-z,noexecstack",
             "-o", str(out), str(asm)],
            check=True, capture_output=True,
        )  # fmt: skip
    strip = shutil.which("strip")
    if strip:
        subprocess.run([strip, "--strip-unneeded", str(out)], check=True, capture_output=True)


def filtered_library(lib_path: Path, out_dir: Path) -> Path:
    """``lib_path`` (``libicudata.so.NN``) rebuilt with the filtered data, in ``out_dir``."""
    symbol, package = _elf_symbol(Path(lib_path).read_bytes())
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / Path(lib_path).name
    build_library(filter_package(package), symbol, _soname(Path(lib_path)), out)
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python scripts/icu_filter.py LIBICUDATA OUT_DIR", file=sys.stderr)
        return 2
    src = Path(argv[0])
    out = filtered_library(src, Path(argv[1]))
    print(f"{src} {src.stat().st_size / 2**20:.1f} MB -> {out} {out.stat().st_size / 2**20:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
