"""The installers' sources, without building anything: icons, the PyInstaller spec, the Inno Setup script, the
.deb's files, the macOS bundle step, the release workflow, and the helpers of installer/ (fast, no PyInstaller)."""

from __future__ import annotations

import ast
import configparser
import io
import re
import shutil
import struct
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INSTALLER = ROOT / "installer"
sys.path.insert(0, str(INSTALLER))
sys.path.insert(0, str(INSTALLER / "linux"))

import buildinfo  # noqa: E402
import icu_subset  # noqa: E402
import make_icons  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


# --- icons ---------------------------------------------------------------------------------------------------

def test_every_png_size_exists_and_is_that_size():
    for size in buildinfo.PNG_SIZES:
        assert png_size(make_icons.png_path(size).read_bytes()) == (size, size)


def test_ico_lists_every_size_and_its_images_are_whole():
    data = make_icons.ICO.read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data, 0)
    assert (reserved, kind, count) == (0, 1, len(make_icons.ICO_SIZES))
    sizes = []
    for i in range(count):
        width, height, _, _, planes, bits, length, offset = struct.unpack_from("<BBBBHHII", data, 6 + 16 * i)
        size = width or 256
        assert width == height and planes == 1 and bits == 32
        assert offset + length <= len(data)
        image = data[offset:offset + length]
        if size <= make_icons.ICO_BITMAP_MAX:  # a bottom-up 32-bit DIB: header, pixels, 1-bit mask
            header_size, w, h = struct.unpack_from("<Iii", image, 0)
            assert (header_size, w, h) == (40, size, 2 * size)
            assert length == 40 + size * size * 4 + ((size + 31) // 32) * 4 * size
        else:
            assert png_size(image) == (size, size)
        sizes.append(size)
    assert sorted(sizes) == sorted(make_icons.ICO_SIZES)


def test_icns_elements_fill_the_file_and_hold_pngs():
    data = make_icons.ICNS.read_bytes()
    assert data[:4] == b"icns" and struct.unpack(">I", data[4:8])[0] == len(data)
    at, kinds = 8, {}
    while at < len(data):
        kind, length = data[at:at + 4], struct.unpack(">I", data[at + 4:at + 8])[0]
        kinds[kind] = png_size(data[at + 8:at + length])
        at += length
    assert at == len(data)
    assert kinds[b"ic10"] == (1024, 1024) and kinds[b"icp4"] == (16, 16) and kinds[b"ic07"] == (128, 128)


def test_pillow_reads_the_ico_and_the_icns():
    from PIL import Image

    with Image.open(make_icons.ICO) as ico:
        assert ico.format == "ICO" and (16, 16) in ico.info["sizes"] and (256, 256) in ico.info["sizes"]
        small = ico.ico.getimage((32, 32)).convert("RGBA")
    with Image.open(make_icons.png_path(32)) as png:
        assert small.getpixel((16, 4)) == png.convert("RGBA").getpixel((16, 4))  # same colours, not mirrored
    with Image.open(make_icons.ICNS) as icns:
        assert icns.format == "ICNS" and icns.size == (1024, 1024)


def test_the_committed_icons_are_the_svg_rendered_now(qapp):
    """A changed SVG without `python installer/make_icons.py` would ship the old icon."""
    from PIL import Image

    fresh = Image.open(io.BytesIO(make_icons._png_bytes(make_icons._render(64)))).convert("RGBA")
    committed = Image.open(make_icons.png_path(64)).convert("RGBA")
    assert fresh.size == committed.size == (64, 64)
    worst = max(abs(a - b) for a, b in zip(fresh.tobytes(), committed.tobytes()))
    assert worst <= 8


# --- the PyInstaller spec and its helpers ----------------------------------------------------------------------

def _calls(tree: ast.AST, name: str) -> list[ast.Call]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", None) == name]


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


SPEC = ast.parse((INSTALLER / "mentordesk.spec").read_text())


def test_spec_gui_executable_is_windowed_and_the_windows_cli_is_a_console():
    exes = _calls(SPEC, "EXE")
    by_name = {ast.unparse(_keyword(e, "name")): e for e in exes}
    gui, cli = by_name["buildinfo.APP_NAME"], by_name["buildinfo.CLI_NAME"]
    assert isinstance(_keyword(gui, "console"), ast.Constant) and _keyword(gui, "console").value is False
    assert _keyword(cli, "console").value is True
    assert buildinfo.APP_NAME.lower() != buildinfo.CLI_NAME.lower()  # one folder on case-insensitive disks
    assert buildinfo.cli_executable("win32") == "mentordesk-cli.exe"
    assert buildinfo.cli_executable("linux") == buildinfo.APP_NAME


def test_spec_macos_bundle_has_the_info_plist_keys():
    (bundle,) = _calls(SPEC, "BUNDLE")
    assert ast.unparse(_keyword(bundle, "bundle_identifier")) == "buildinfo.BUNDLE_ID"
    plist = _keyword(bundle, "info_plist")
    keys = {k.value: v for k, v in zip(plist.keys, plist.values)}
    assert {"LSMinimumSystemVersion", "NSHighResolutionCapable", "CFBundleShortVersionString"} <= set(keys)
    assert keys["NSHighResolutionCapable"].value is True
    assert re.fullmatch(r"[a-z]+(\.[A-Za-z]+)+", buildinfo.BUNDLE_ID)


def test_spec_leaves_out_what_the_app_never_imports():
    excludes = next(n.value for n in ast.walk(SPEC) if isinstance(n, ast.Assign)
                    and getattr(n.targets[0], "id", None) == "EXCLUDES")
    names = set(ast.literal_eval(excludes))
    assert {"PySide6.QtNetwork", "PySide6.QtQml", "scipy.stats", "scipy.signal", "tkinter"} <= names
    # what scipy's array API layer imports must stay (the frozen app failed without them)
    assert not {"numpy.f2py", "numpy.testing", "pydoc"} & names
    sources = "".join(p.read_text() for p in (ROOT / "app").rglob("*.py"))
    app_uses = set(re.findall(r"PySide6\.(Qt\w+)", sources))
    assert not {f"PySide6.{m}" for m in app_uses} & names


def test_version_comes_from_pyproject_and_the_windows_resource_carries_it():
    with open(ROOT / "pyproject.toml", "rb") as f:
        version = tomllib.load(f)["project"]["version"]
    assert buildinfo.version() == version
    text = buildinfo.windows_version_resource()
    ast.parse(text)  # PyInstaller evaluates it as Python
    assert f"filevers={buildinfo.version_tuple(version)}" in text and f"'ProductVersion', '{version}'" in text
    assert buildinfo.version_tuple("1.2.3rc1") == (1, 2, 3, 0)


def test_pyproject_license_is_an_spdx_string_with_a_setuptools_that_reads_it():
    with open(ROOT / "pyproject.toml", "rb") as f:
        project = tomllib.load(f)
    assert project["project"]["license"] == "LicenseRef-Proprietary"
    assert "setuptools>=77" in project["build-system"]["requires"]


def test_icu_subset_keeps_root_and_english_only():
    keep = icu_subset.keep
    assert keep("icudt73l/coll/root.res") and keep("icudt73l/coll/en_US.res") and keep("icudt73l/en.res")
    assert keep("icudt73l/coll/ucadata.icu") and keep("icudt73l/res_index.res") and keep("icudt73l/pool.res")
    assert keep("icudt73l/supplementalData.res") and keep("icudt73l/nfkc.nrm")
    assert not keep("icudt73l/coll/de.res") and not keep("icudt73l/zh_Hant_TW.res")
    assert not keep("icudt73l/ibm-1047_P100-1995.cnv") and not keep("icudt73l/brkitr/cjdict.dict")
    assert not keep("icudt73l/translit/root.res")


def test_icu_common_data_round_trips():
    header = struct.pack("<HBB", 32, 0xDA, 0x27) + struct.pack("<HHBBBB", 20, 0, 0, 0, 2, 0) + b"CmnD" + bytes(16)
    items = [("icudt73l/a.res", b"A" * 5), ("icudt73l/b.icu", b"B" * 33), ("icudt73l/coll/en.res", b"")]
    data = icu_subset.write_common(header, items)
    again_header, again = icu_subset.read_common(data)
    assert again_header == header
    assert [(n, b.rstrip(b"\0")) for n, b in again] == items
    offsets = [struct.unpack_from("<II", data, 32 + 4 + 8 * i)[1] for i in range(3)]
    assert all((32 + o) % 16 == 0 for o in offsets)


def test_launcher_notes_the_first_paint_and_holds_the_mutex_the_installer_checks():
    launch = (INSTALLER / "launch.py").read_text()
    iss = (INSTALLER / "windows" / "mentordesk.iss").read_text()
    assert "MENTORDESK_FIRST_PAINT" in launch
    mutex = re.search(r"^AppMutex=(.+)$", iss, re.MULTILINE).group(1)
    for name in mutex.split(","):  # launch.py spells a backslash in a Python string as two
        assert f'"{name.replace(chr(92), chr(92) * 2)}"' in launch


# --- Windows: the Inno Setup script ----------------------------------------------------------------------------

def _iss_sections() -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = None
    for line in (INSTALLER / "windows" / "mentordesk.iss").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(";") or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            sections[current] = []
        elif current:
            sections[current].append(line)
    return sections


def test_iss_installs_per_user_without_admin_rights():
    setup = dict(line.split("=", 1) for line in _iss_sections()["Setup"])
    assert setup["PrivilegesRequired"] == "lowest"
    assert set(setup["PrivilegesRequiredOverridesAllowed"].split()) == {"dialog", "commandline"}
    assert setup["DefaultDirName"].startswith("{autopf}\\")  # %LOCALAPPDATA%\Programs for one user
    assert setup["CloseApplications"] == "yes"
    assert setup["OutputBaseFilename"] == "MentorDesk-{#AppVersion}-setup"  # what build.py picks up
    assert (INSTALLER / "windows" / setup["SetupIconFile"].replace("\\", "/")).resolve() == make_icons.ICO
    assert re.fullmatch(r"\{\{[0-9A-F-]{36}\}", setup["AppId"])


def test_iss_start_menu_shortcut_runs_the_windowed_exe_and_files_come_from_the_build():
    sections = _iss_sections()
    assert any(line.startswith('Name: "{autoprograms}\\MentorDesk"') and '{app}\\{#AppExe}' in line
               for line in sections["Icons"])
    assert f'#define AppExe "{buildinfo.APP_NAME}.exe"' in (INSTALLER / "windows" / "mentordesk.iss").read_text()
    assert any("{#SourceDir}\\*" in line and "recursesubdirs" in line for line in sections["Files"])
    source = re.search(r'#define SourceDir "(.+)"', (INSTALLER / "windows" / "mentordesk.iss").read_text()).group(1)
    assert source.replace("\\", "/").endswith(f"build/dist/{buildinfo.FOLDER}")
    # the uninstaller deletes only the program folder: never the user's data folders
    for line in sections.get("UninstallDelete", []) + sections.get("InstallDelete", []):
        assert "{app}" in line and "localappdata" not in line.lower() and "userappdata" not in line.lower()


# --- Linux: the .deb ---------------------------------------------------------------------------------------------

DESKTOP_KEYS = {"Type", "Version", "Name", "GenericName", "NoDisplay", "Comment", "Icon", "Hidden", "OnlyShowIn",
                "NotShowIn", "DBusActivatable", "TryExec", "Exec", "Path", "Terminal", "Actions", "MimeType",
                "Categories", "Implements", "Keywords", "StartupNotify", "StartupWMClass", "URL",
                "PrefersNonDefaultGPU", "SingleMainWindow"}
MAIN_CATEGORIES = {"AudioVideo", "Audio", "Video", "Development", "Education", "Game", "Graphics", "Network",
                   "Office", "Science", "Settings", "System", "Utility"}


def test_desktop_entry_has_valid_keys_and_runs_the_installed_program():
    path = INSTALLER / "linux" / "mentordesk.desktop"
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read_string(path.read_text())
    assert parser.sections() == ["Desktop Entry"]
    entry = dict(parser["Desktop Entry"])
    assert set(entry) <= DESKTOP_KEYS | {k for k in entry if k.startswith("X-")}
    assert entry["Type"] == "Application" and entry["Name"] == "MentorDesk"
    assert entry["Exec"] == f"/opt/mentordesk/{buildinfo.APP_NAME}"
    assert entry["Icon"] == "mentordesk"  # a theme name, no path or extension: the hicolor icons
    assert entry["Terminal"] in {"true", "false"} and entry["StartupNotify"] in {"true", "false"}
    for key in ("Categories", "Keywords"):
        assert entry[key].endswith(";")
    assert set(entry["Categories"].rstrip(";").split(";")) & MAIN_CATEGORIES
    if shutil.which("desktop-file-validate"):
        out = subprocess.run(["desktop-file-validate", str(path)], capture_output=True, text=True)
        assert out.returncode == 0, out.stdout + out.stderr


def test_deb_scripts_never_touch_home_folders():
    for name in ("postinst", "postrm"):
        text = (INSTALLER / "linux" / name).read_text()
        assert text.startswith("#!/bin/sh")
        commands = [line for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
        for line in commands:
            assert "HOME" not in line and "/home" not in line and "~" not in line and ".local" not in line
    postrm = (INSTALLER / "linux" / "postrm").read_text()
    assert "remove|purge)" in postrm and "rm -rf /opt/mentordesk\n" in postrm


def test_deb_control_names_the_qt_xcb_packages():
    import build_deb

    text = build_deb.control("0.1.0", "amd64", 123456, ["libxcb-cursor0", "libegl1"])
    fields = dict(line.split(": ", 1) for line in text.splitlines() if not line.startswith(" "))
    assert fields["Package"] == "mentordesk" and fields["Version"] == "0.1.0" and fields["Architecture"] == "amd64"
    assert fields["Depends"] == "libxcb-cursor0, libegl1" and fields["Installed-Size"] == "123456"
    assert re.fullmatch(r".+ <[^@\s]+@[^>\s]+>", fields["Maintainer"])


def test_xcb_library_table_covers_what_qt_xcb_links():
    import qt_system_libs

    for soname in ("libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxkbcommon-x11.so.0",
                   "libEGL.so.1", "libGL.so.1", "libfontconfig.so.1", "libdbus-1.so.3"):
        assert qt_system_libs.PACKAGES[soname]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the X11 check runs on Linux only")
def test_check_system_names_the_missing_packages_in_one_line(monkeypatch, capsys):
    import check_system
    import qt_system_libs

    monkeypatch.setattr(qt_system_libs, "missing_packages", lambda *a, **k: (["libxcb-cursor0", "libxcb-icccm4"], []))
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    assert check_system.main() == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "apt-get install libxcb-cursor0 libxcb-icccm4" in err
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert check_system.main() == 0


# --- macOS, the release workflow, CI, docs --------------------------------------------------------------------

def test_dmg_script_uses_hdiutil_and_signs_only_when_asked():
    text = (INSTALLER / "macos" / "build_dmg.sh").read_text()
    assert "hdiutil create" in text and 'if [ -n "${MACOS_SIGN_IDENTITY:-}" ]' in text
    assert "notarytool submit" in text and "stapler staple" in text


def test_release_workflow_builds_and_self_tests_on_three_systems():
    text = (ROOT / ".github" / "workflows" / "release.yml").read_text()
    assert "os: [ubuntu-latest, windows-latest, macos-latest]" in text
    assert "python installer/build.py" in text and "selftest_deb.sh" in text and "--selftest" in text
    assert 'tags: ["v*"]' in text and "gh release create" in text
    assert "\t" not in text


def test_ci_runs_the_dist_step_after_the_tests():
    commands = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
                if line.strip() and not line.strip().startswith("#")]
    at = {word: next(i for i, line in enumerate(commands) if line.startswith(word))
          for word in ("make test", "make dist", "bash installer/linux/selftest_deb.sh")}
    assert at["make test"] < at["make dist"] < at["bash installer/linux/selftest_deb.sh"]
    text = (ROOT / ".ci" / "run").read_text()
    assert "start-postgres.sh" in text


def test_readme_still_opens_with_the_two_commands_and_then_the_install_section():
    lines = (ROOT / "README.md").read_text().splitlines()
    assert lines[3].startswith("make run") and lines[4].startswith("make test")
    assert lines[7] == "## Installing MentorDesk on a school laptop"
    guide = (ROOT / "docs" / "it-guide.md").read_text()
    for switch in ("/VERYSILENT", "/SUPPRESSMSGBOXES", "/CURRENTUSER", "/ALLUSERS"):
        assert switch in guide


def test_the_spec_bundles_every_resource_folder_the_app_reads():
    """A folder left out of the frozen build fails only there (the fonts did: every PDF embeds DejaVu)."""
    spec = (ROOT / "installer" / "mentordesk.spec").read_text(encoding="utf-8")
    needed = sorted(p.name for p in (ROOT / "resources").iterdir() if p.is_dir() and p.name != "screenshots")
    assert needed and [name for name in needed if f'ROOT / "resources" / "{name}"' not in spec] == []
