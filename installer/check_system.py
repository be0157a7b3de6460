"""Before `make run` starts Qt: on Linux, name the Debian packages its X11 window needs and lacks, in one line,
instead of Qt's "could not load the Qt platform plugin xcb" message. Exit 1 when some are missing.

    python installer/check_system.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "linux"))


def platform_is_xcb() -> bool:
    """True when Qt would use its X11 (xcb) platform plugin: Linux, and QT_QPA_PLATFORM unset or xcb."""
    if not sys.platform.startswith("linux"):
        return False
    chosen = os.environ.get("QT_QPA_PLATFORM", "").split(":")[0].split(";")[0].strip()
    if chosen:
        return chosen == "xcb"
    return not (os.environ.get("WAYLAND_DISPLAY") and os.environ.get("XDG_SESSION_TYPE") == "wayland")


def main() -> int:
    if not platform_is_xcb():
        return 0
    try:
        import qt_system_libs
    except ImportError:
        return 0
    try:
        packages, unknown = qt_system_libs.missing_packages()
    except (OSError, ModuleNotFoundError):  # no ldd, objdump or PySide6 here: let Qt speak for itself
        return 0
    if not packages and not unknown:
        return 0
    what = f"sudo apt-get install {' '.join(packages)}" if packages else ""
    rest = f" (and the libraries {', '.join(unknown)})" if unknown else ""
    print(f"MentorDesk's window needs system libraries that are missing; install them with: {what}{rest}",
          file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
