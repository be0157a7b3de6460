#!/usr/bin/env bash
# Prove a .deb starts its window on a real X server: extract it (dpkg-deb -x, nothing installed), install the
# packages its Depends names and Xvfb when missing (root and apt-get only), and run `MentorDesk --selftest`
# under xvfb-run with Qt's xcb platform (not offscreen). Exit 0 only if the self-test passed on xcb; exit 77
# (skipped) when Xvfb or those packages are missing and cannot be installed here.
#   bash installer/linux/selftest_deb.sh build/dist/mentordesk_0.1.0_amd64.deb
set -euo pipefail
DEB=${1:?usage: selftest_deb.sh PACKAGE.deb}
need=()
for package in $(dpkg-deb -f "$DEB" Depends | tr -d ',') xvfb xauth; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || need+=("$package")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "selftest_deb: installing ${need[*]}"
    (apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1) ||
      (apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null) ||
      { echo "selftest_deb: skipped: apt-get could not install ${need[*]}" >&2; exit 77; }
  else
    echo "selftest_deb: skipped: missing packages ${need[*]} (install them, or run as root)" >&2
    exit 77
  fi
fi
ROOT=$(mktemp -d)
trap 'rm -rf "$ROOT"' EXIT
dpkg-deb -x "$DEB" "$ROOT"
[ -L "$ROOT/usr/bin/mentordesk" ] && [ -f "$ROOT/usr/share/applications/mentordesk.desktop" ] ||
  { echo "selftest_deb: the package lacks /usr/bin/mentordesk or its .desktop entry" >&2; exit 1; }
OUT="$ROOT/selftest.log"
set +e
env -u WAYLAND_DISPLAY QT_QPA_PLATFORM=xcb timeout 300 xvfb-run -a -s "-screen 0 1280x800x24" \
  "$ROOT/opt/mentordesk/MentorDesk" --selftest 2>&1 | tee "$OUT"
status=${PIPESTATUS[0]}
set -e
[ "$status" = 0 ] || { echo "selftest_deb: the self-test failed (exit $status)" >&2; exit 1; }
grep -q "Qt platform xcb" "$OUT" || { echo "selftest_deb: the window did not open on xcb" >&2; exit 1; }
echo "selftest_deb: ok, the main window opened on X11 (xcb) from the extracted package"
