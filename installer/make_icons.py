"""Render the app icon from its SVG source: PNG sizes, a Windows .ico and a macOS .icns.

    python installer/make_icons.py          # writes resources/icons/*.png, mentordesk.ico, mentordesk.icns
    python installer/make_icons.py --check  # exit 1 when a generated file is missing

The SVG (resources/icons/mentordesk.svg) is the only hand-made file; Qt's SVG renderer draws every size, and
the .ico and .icns containers are written here (both are a header and a list of images): the .ico holds
32-bit bitmaps up to 48 px (what every Windows shell reads) and PNG images from 64 px, the .icns PNG images
from 16 to 1024 px. The outputs are committed, so a checkout builds without running this.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from buildinfo import ICONS, PNG_SIZES  # noqa: E402

SVG = ICONS / "mentordesk.svg"
ICO = ICONS / "mentordesk.ico"
ICNS = ICONS / "mentordesk.icns"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICO_BITMAP_MAX = 48  # larger sizes are stored as PNG inside the .ico (Windows Vista and later)
# The .icns element types holding PNG data, by pixel size (Apple's icns types; 2x types share sizes).
ICNS_TYPES = ((b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256), (b"ic09", 512),
              (b"ic10", 1024), (b"ic11", 32), (b"ic12", 64), (b"ic13", 256), (b"ic14", 512))


def png_path(size: int) -> Path:
    return ICONS / f"mentordesk-{size}.png"


def outputs() -> list[Path]:
    return [png_path(s) for s in PNG_SIZES] + [ICO, ICNS]


def _render(size: int):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: {SVG} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def _png_bytes(image) -> bytes:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise SystemExit("make_icons: Qt could not write PNG")
    buffer.close()
    return bytes(data.data())


def _bitmap_bytes(image) -> bytes:  # type: ignore[no-untyped-def]
    """A 32-bit BGRA device-independent bitmap as an .ico stores it: the header says twice the height
    (image + mask), rows bottom-up, then a 1-bit AND mask (all zero: the alpha channel decides)."""
    size = image.width()
    stride = image.bytesPerLine()
    raw = bytes(image.constBits())  # ARGB32 is B, G, R, A in memory on little-endian machines
    if sys.byteorder != "little":
        raise SystemExit("make_icons: writing .ico bitmaps assumes a little-endian machine")
    rows = [raw[y * stride: y * stride + size * 4] for y in range(size)]
    mask_row = bytes(((size + 31) // 32) * 4)
    header = struct.pack("<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, size * size * 4, 0, 0, 0, 0)
    return header + b"".join(reversed(rows)) + mask_row * size


def ico_bytes(images: dict[int, bytes]) -> bytes:
    """ICONDIR (reserved 0, type 1, count), one 16-byte ICONDIRENTRY per image, then the images."""
    entries, blobs = [], []
    offset = 6 + 16 * len(images)
    for size, blob in sorted(images.items()):
        dim = 0 if size >= 256 else size  # 0 means 256
        entries.append(struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset))
        blobs.append(blob)
        offset += len(blob)
    return struct.pack("<HHH", 0, 1, len(images)) + b"".join(entries) + b"".join(blobs)


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """'icns' and the file length, then elements: a 4-byte type, the element's length, PNG data."""
    body = b"".join(kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_TYPES)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def make() -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(["make_icons"])  # noqa: F841 - Qt needs it
    sizes = sorted(set(PNG_SIZES) | set(ICO_SIZES) | {s for _, s in ICNS_TYPES})
    images = {size: _render(size) for size in sizes}
    pngs = {size: _png_bytes(image) for size, image in images.items()}
    written = []
    for size in PNG_SIZES:
        png_path(size).write_bytes(pngs[size])
        written.append(png_path(size))
    ico = {s: (_bitmap_bytes(images[s]) if s <= ICO_BITMAP_MAX else pngs[s]) for s in ICO_SIZES}
    ICO.write_bytes(ico_bytes(ico))
    ICNS.write_bytes(icns_bytes(pngs))
    return written + [ICO, ICNS]


def missing() -> list[Path]:
    return [p for p in outputs() if not p.exists()]


def main(argv: list[str]) -> int:
    if "--check" in argv:
        absent = missing()
        for path in absent:
            print(f"make_icons: {path} is missing; run python installer/make_icons.py")
        return 1 if absent else 0
    for path in make():
        print(f"wrote {path.relative_to(ICONS.parent.parent)} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
