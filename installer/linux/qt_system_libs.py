"""Which Debian packages Qt's window needs: the shared libraries its platform plugins load that are not in
the PySide6 wheel, found with `ldd`, and the Debian package of each.

Used by installer/check_system.py (`make run` names what to install before Qt fails with its plugin error) and
by installer/linux/build_deb.py (the .deb's Depends). Standard library only.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

# soname -> Debian package (bookworm names, the same on Ubuntu 22.04 and later and on ChromeOS's Linux).
PACKAGES = {
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-glx.so.0": "libxcb-glx0",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libXext.so.6": "libxext6",
    "libXrender.so.1": "libxrender1",
    "libSM.so.6": "libsm6",
    "libICE.so.6": "libice6",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libglx0",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
    "libz.so.1": "zlib1g",
    "libpng16.so.16": "libpng16-16",
    "libharfbuzz.so.0": "libharfbuzz0b",
    "libmd4c.so.0": "libmd4c0",
    "libdouble-conversion.so.3": "libdouble-conversion3",
    "libb2.so.1": "libb2-1",
    "libpcre2-16.so.0": "libpcre2-16-0",
    "libzstd.so.1": "libzstd1",
    "libgcc_s.so.1": "libgcc-s1",
    "libstdc++.so.6": "libstdc++6",
}
# Part of every Debian system (essential or required): never worth a line or a Depends.
BASE = {"libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1", "ld-linux-x86-64.so.2",
        "ld-linux-aarch64.so.1", "libgcc_s.so.1", "libstdc++.so.6", "libz.so.1", "libzstd.so.1"}
# The Qt files whose system libraries matter for a window: the X11 (xcb) platform, its OpenGL glue, and the Qt
# libraries every platform loads.
QT_FILES = ("plugins/platforms/libqxcb.so", "lib/libQt6XcbQpa.so.6",
            "plugins/xcbglintegrations/libqxcb-glx-integration.so",
            "plugins/xcbglintegrations/libqxcb-egl-integration.so",
            "lib/libQt6Gui.so.6", "lib/libQt6Widgets.so.6", "lib/libQt6Core.so.6", "lib/libQt6DBus.so.6")


def qt_dir() -> Path:
    import PySide6

    return Path(PySide6.__file__).resolve().parent / "Qt"


def ldd(path: Path) -> dict[str, str | None]:
    """soname -> the file it resolves to, or None when it is not found (`ldd`'s own search, no LD_LIBRARY_PATH)."""
    out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"}).stdout
    found: dict[str, str | None] = {}
    for line in out.splitlines():
        match = re.match(r"\s*(\S+) => (not found|(\S+))", line)
        if match:
            found[match.group(1)] = None if match.group(2) == "not found" else match.group(3)
    return found


def needed(path: Path) -> set[str]:
    """The file's own NEEDED entries (`objdump -p`, binutils, which PyInstaller needs too)."""
    out = subprocess.run(["objdump", "-p", str(path)], capture_output=True, text=True).stdout
    return set(re.findall(r"^\s*NEEDED\s+(\S+)", out, flags=re.MULTILINE))


def system_libraries(qt: Path | None = None, files: tuple[str, ...] = QT_FILES) -> dict[str, str | None]:
    """The libraries outside Qt's own folder that the given Qt files load themselves (their NEEDED entries;
    what those load in turn comes with their packages): soname -> path, or None when `ldd` cannot find it."""
    qt = qt or qt_dir()
    found: dict[str, str | None] = {}
    for name in files:
        path = qt / name
        if not path.exists():
            continue
        direct = needed(path)
        for soname, where in ldd(path).items():
            if soname not in direct or soname.startswith(("libQt6", "libicu")) or soname in BASE:
                continue
            if where and str(Path(where).resolve()).startswith(str(qt.resolve())):
                continue
            found[soname] = where
    return found


def package_of(soname: str, where: str | None) -> str | None:
    """The Debian package holding a library: dpkg's record of the file if it is installed, else the table."""
    if soname in PACKAGES:
        return PACKAGES[soname]
    for candidate in ([where, "/usr" + where] if where and where.startswith("/lib") else [where] if where else []):
        out = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if out.returncode == 0 and ":" in out.stdout:
            return out.stdout.split(":")[0].strip()
    return None


def missing_packages(qt: Path | None = None, files: tuple[str, ...] = QT_FILES) -> tuple[list[str], list[str]]:
    """(Debian packages to install, sonames with no known package) for the libraries `ldd` cannot find."""
    packages, unknown = set(), []
    for soname, where in system_libraries(qt, files).items():
        if where is None:
            package = PACKAGES.get(soname)
            if package:
                packages.add(package)
            else:
                unknown.append(soname)
    return sorted(packages), sorted(unknown)


def depends(qt: Path | None = None) -> list[str]:
    """The .deb's Depends: the package of every system library the Qt files need, found or not."""
    packages = {package_of(soname, where) for soname, where in system_libraries(qt).items()}
    packages |= {PACKAGES[s] for s in ("libxcb-cursor.so.0", "libEGL.so.1", "libGL.so.1", "libfontconfig.so.1",
                                       "libdbus-1.so.3", "libxkbcommon-x11.so.0")}
    return sorted(p for p in packages if p)
