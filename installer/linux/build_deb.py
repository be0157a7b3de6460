"""Package the one-folder build as a .deb with dpkg-deb alone (no debhelper), for Debian, Ubuntu and Chromebooks.

    python installer/linux/build_deb.py [FOLDER] [OUTDIR]   # default build/dist/mentordesk -> build/dist

What it installs:
    /opt/mentordesk/                       the folder (MentorDesk, _internal/)
    /usr/bin/mentordesk                    -> /opt/mentordesk/MentorDesk (the command line; no command opens the window)
    /usr/share/applications/mentordesk.desktop
    /usr/share/icons/hicolor/*/apps/mentordesk.{png,svg}
Depends: the Debian packages of the system libraries Qt's window plugins load (`ldd` and `objdump` on the
bundled Qt files, `dpkg -S` for each library; installer/linux/qt_system_libs.py), so the window starts on a
fresh Debian or a Chromebook's Linux; and libpq5, the PostgreSQL client library psycopg loads. Removing the
package leaves every user's data (postrm).
`MENTORDESK_DEB_COMPRESSION` (xz, gzip, zstd or none; default xz, which every dpkg reads) and `MENTORDESK_DEB_LEVEL`
(default 1: xz's fastest preset is several times quicker than its default 6 on the 240 MB folder, for a package a
few MB larger) are passed to dpkg-deb -Z and -z.
"""

from __future__ import annotations

import os
import platform
import shutil
import stat
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
import buildinfo  # noqa: E402
import qt_system_libs  # noqa: E402

PACKAGE = "mentordesk"
PREFIX = Path("opt") / PACKAGE
MAINTAINER = os.environ.get("MENTORDESK_DEB_MAINTAINER", "MentorDesk <packages@mentordesk.invalid>")


def architecture() -> str:
    try:
        return subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())


def control(version: str, arch: str, installed_kib: int, depends: list[str]) -> str:
    return (f"Package: {PACKAGE}\nVersion: {version}\nArchitecture: {arch}\nMaintainer: {MAINTAINER}\n"
            f"Installed-Size: {installed_kib}\nDepends: {', '.join(depends)}\nSection: education\n"
            f"Priority: optional\nDescription: {buildinfo.DESCRIPTION}\n"
            " MentorDesk keeps a district's teacher induction and mentoring program (603 CMR 7.12, 7.13) and\n"
            " the Candidate Assessment of Performance on one SQLite file per laptop, or on PostgreSQL. It works\n"
            " offline; nothing leaves the machine unless the user exports or syncs it.\n")


def _install(src: Path, dest: Path, mode: int = 0o644) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)
    dest.chmod(mode)


def _normalize_modes(root: Path) -> None:
    """Folders 755, files 644 or 755 (executable bits kept), whatever the build machine's umask was."""
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        if path.is_dir():
            path.chmod(0o755)
        else:
            path.chmod(0o755 if path.stat().st_mode & stat.S_IXUSR else 0o644)


def build(folder: Path | None = None, outdir: Path | None = None) -> Path:
    folder = folder or buildinfo.ROOT / "build" / "dist" / buildinfo.FOLDER
    outdir = outdir or folder.parent
    if not (folder / buildinfo.APP_NAME).exists():
        raise SystemExit(f"build_deb: {folder} holds no {buildinfo.APP_NAME}; run make dist (or PyInstaller) first")
    version, arch = buildinfo.version(), architecture()
    staging = buildinfo.ROOT / "build" / "deb" / PACKAGE
    if staging.exists():
        shutil.rmtree(staging)
    shutil.copytree(folder, staging / PREFIX, symlinks=True)
    bin_link = staging / "usr" / "bin" / PACKAGE
    bin_link.parent.mkdir(parents=True)
    bin_link.symlink_to(f"/{PREFIX}/{buildinfo.cli_executable('linux')}")
    share = staging / "usr" / "share"
    _install(HERE / "mentordesk.desktop", share / "applications" / "mentordesk.desktop")
    for size in buildinfo.PNG_SIZES:
        _install(buildinfo.ICONS / f"mentordesk-{size}.png",
                 share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "mentordesk.png")
    _install(buildinfo.ICONS / "mentordesk.svg", share / "icons" / "hicolor" / "scalable" / "apps" / "mentordesk.svg")
    doc = share / "doc" / PACKAGE / "copyright"
    doc.parent.mkdir(parents=True)
    doc.write_text("MentorDesk\nLicense: proprietary. Bundles Qt (LGPLv3), PySide6 (LGPLv3), Python (PSF) and the\n"
                   "libraries listed in /opt/mentordesk/_internal/*.dist-info.\n")
    _normalize_modes(staging)
    debian = staging / "DEBIAN"
    debian.mkdir()
    for script in ("postinst", "postrm"):
        _install(HERE / script, debian / script, 0o755)
    installed = sum(p.lstat().st_size for p in staging.rglob("*") if p.is_file() or p.is_symlink())
    qt = staging / PREFIX / "_internal" / "PySide6" / "Qt"
    depends = qt_system_libs.depends(qt if qt.exists() else None)
    if not any((staging / PREFIX / "_internal").glob("psycopg_binary*")):
        depends.append("libpq5")  # PostgreSQL: psycopg loads the system's libpq (installer/mentordesk.spec)
    (debian / "control").write_text(control(version, arch, (installed + 1023) // 1024, depends))
    outdir.mkdir(parents=True, exist_ok=True)
    deb = outdir / f"{PACKAGE}_{version}_{arch}.deb"
    compression = os.environ.get("MENTORDESK_DEB_COMPRESSION", "xz")
    level = os.environ.get("MENTORDESK_DEB_LEVEL", "1")
    subprocess.run(["dpkg-deb", "--root-owner-group", f"-Z{compression}", f"-z{level}", "--build", str(staging),
                    str(deb)], check=True, stdout=subprocess.DEVNULL)
    return deb


if __name__ == "__main__":
    args = [Path(a) for a in sys.argv[1:3]]
    path = build(*args)
    print(f"build_deb: wrote {path}")
