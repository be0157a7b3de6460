"""Linux: a smaller ICU data library for the bundle (English and the root locale only).

Qt 6 from the PySide6 wheel links ICU 73, whose data library (libicudata.so.73) holds 32 MB: collation, break
dictionaries, converters, transliteration and the display names of every language, region, currency, unit and
time zone in every locale. MentorDesk's window is English only; Qt uses ICU for collation (QCollator, sorting
with the locale), case mapping and time-zone names, all of which fall back to the root locale. So the bundle
ships the same library rebuilt with the root and English (en, en_*) data and without converters of legacy
encodings (Python reads the imports, not Qt), transliteration, the CJK/Thai/Khmer/Burmese word dictionaries and
the confusables table. `--selftest` sorts and upper-cases text through Qt's ICU to prove it still works.

The data is ICU's "common data" package (a header, a table of contents sorted by name, then the items, each
aligned to 16 bytes), exported as the symbol icudt73_dat; the new library is assembled with binutils'
`as` and `ld` (which PyInstaller needs on Linux anyway). When anything is missing, the original is kept.

    python installer/icu_subset.py LIBICUDATA OUTDIR   # writes OUTDIR/libicudata.so.NN and prints the sizes
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

LOCALE_FILE = re.compile(r"[a-z]{2,3}(_[A-Za-z0-9]+)*\.res")
KEEP_LOCALES = ("en", "en_")


def keep(name: str) -> bool:
    """Whether a data item (e.g. 'icudt73l/coll/de.res') stays in the subset."""
    parts = name.split("/")[1:]
    leaf = parts[-1]
    if leaf.endswith((".cnv", ".dict", ".cfu")) or parts[0] == "translit":
        return False
    if LOCALE_FILE.fullmatch(leaf) and leaf != "res_index.res":
        return leaf[:-4] == "en" or leaf.startswith("en_")
    return True


def read_common(data: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """(header, [(name, item bytes)]) of an ICU common data package."""
    header_size, magic1, magic2 = struct.unpack_from("<HBB", data, 0)
    if (magic1, magic2) != (0xDA, 0x27) or data[12:16] != b"CmnD" or data[8] != 0:  # little-endian only
        raise ValueError("not a little-endian ICU common data package")
    toc = data[header_size:]
    count = struct.unpack_from("<I", toc, 0)[0]
    offsets = [struct.unpack_from("<II", toc, 4 + 8 * i) for i in range(count)]
    items = []
    for i, (name_at, data_at) in enumerate(offsets):
        name = toc[name_at:toc.index(b"\0", name_at)].decode("ascii")
        end = offsets[i + 1][1] if i + 1 < count else len(toc)
        items.append((name, toc[data_at:end]))
    return data[:header_size], items


def write_common(header: bytes, items: list[tuple[str, bytes]]) -> bytes:
    def pad16(n: int) -> int:
        return (n + 15) & ~15

    names = b"".join(name.encode("ascii") + b"\0" for name, _ in items)
    toc_size = 4 + 8 * len(items)
    name_at, data_at = toc_size, pad16(toc_size + len(names) + len(header)) - len(header)
    entries, blobs = [], []
    for name, blob in items:
        entries.append(struct.pack("<II", name_at, data_at))
        name_at += len(name) + 1
        padded = blob + b"\0" * (pad16(len(blob)) - len(blob))
        blobs.append(padded)
        data_at += len(padded)
    head = header + struct.pack("<I", len(items)) + b"".join(entries) + names
    return head + b"\xaa" * (pad16(len(head)) - len(head)) + b"".join(blobs)  # ICU's own filler


def _symbol(library: Path) -> tuple[str, int, int]:
    """(name, file offset, size) of the icudtNN_dat symbol."""
    out = subprocess.run(["objdump", "-T", str(library)], capture_output=True, text=True, check=True).stdout
    match = re.search(r"^([0-9a-f]+)\s.*\.rodata\s+([0-9a-f]+)\s+(?:\S+\s+)?(icudt\d+_dat)$", out, re.MULTILINE)
    if not match:
        raise ValueError("no icudtNN_dat symbol")
    address, size, name = int(match.group(1), 16), int(match.group(2), 16), match.group(3)
    sections = subprocess.run(["objdump", "-h", str(library)], capture_output=True, text=True, check=True).stdout
    rodata = re.search(r"\.rodata\s+[0-9a-f]+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", sections)
    if not rodata:
        raise ValueError("no .rodata section")
    return name, address - int(rodata.group(1), 16) + int(rodata.group(2), 16), size


def subset(library: Path, outdir: Path) -> Path | None:
    """Write the smaller library into outdir; None (and a line saying why) when it cannot be made."""
    if not (shutil.which("objdump") and shutil.which("as") and shutil.which("ld")):
        print("icu_subset: binutils (objdump, as, ld) not found; the full ICU data is bundled")
        return None
    try:
        symbol, offset, size = _symbol(library)
        headers = subprocess.run(["objdump", "-p", str(library)], capture_output=True, text=True, check=True).stdout
        soname = re.search(r"SONAME\s+(\S+)", headers).group(1)  # type: ignore[union-attr]
        header, items = read_common(library.read_bytes()[offset:offset + size])
        kept = [(name, blob) for name, blob in items if keep(name)]
        outdir.mkdir(parents=True, exist_ok=True)
        (outdir / "icudata.dat").write_bytes(write_common(header, kept))
        (outdir / "icudata.s").write_text(
            f'\t.section .rodata\n\t.globl {symbol}\n\t.type {symbol}, @object\n\t.balign 16\n{symbol}:\n'
            f'\t.incbin "{outdir / "icudata.dat"}"\n\t.size {symbol}, . - {symbol}\n'
            '\t.section .note.GNU-stack,"",@progbits\n')
        subprocess.run(["as", "-o", str(outdir / "icudata.o"), str(outdir / "icudata.s")], check=True)
        target = outdir / soname
        subprocess.run(["ld", "-shared", "-soname", soname, "-o", str(target), str(outdir / "icudata.o")], check=True)
    except (OSError, ValueError, subprocess.CalledProcessError, AttributeError) as exc:
        print(f"icu_subset: {exc}; the full ICU data is bundled")
        return None
    print(f"icu_subset: {len(kept)} of {len(items)} ICU data items (root and English), "
          f"{library.stat().st_size / 1e6:.1f} MB -> {target.stat().st_size / 1e6:.1f} MB")
    return target


if __name__ == "__main__":
    result = subset(Path(sys.argv[1]), Path(sys.argv[2]))
    sys.exit(0 if result else 1)
