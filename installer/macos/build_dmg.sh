#!/usr/bin/env bash
# macOS: put build/dist/MentorDesk.app (made by PyInstaller's BUNDLE step in installer/mentordesk.spec) into
# build/dist/MentorDesk-<version>.dmg with hdiutil, beside a link to /Applications for drag-and-drop install.
#   bash installer/macos/build_dmg.sh            (make dist runs it on a Mac)
# Signing and notarization (docs/it-guide.md) run only when their variables are set:
#   MACOS_SIGN_IDENTITY="Developer ID Application: ..."  codesign the .app (hardened runtime) and the .dmg
#   MACOS_NOTARY_PROFILE=name                             notarize with `xcrun notarytool` and staple the ticket
set -euo pipefail
cd "$(dirname "$0")/../.."
APP=build/dist/MentorDesk.app
[ -d "$APP" ] || { echo "build_dmg: $APP is missing; run make dist (PyInstaller) first" >&2; exit 1; }
VERSION=$(/usr/libexec/PlistBuddy -c "Print :CFBundleShortVersionString" "$APP/Contents/Info.plist")
DMG="build/dist/MentorDesk-$VERSION.dmg"
STAGE=build/dmg
rm -rf "$STAGE" "$DMG"
mkdir -p "$STAGE"
ditto "$APP" "$STAGE/MentorDesk.app"
ln -s /Applications "$STAGE/Applications"
if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  codesign --force --deep --options runtime --timestamp --sign "$MACOS_SIGN_IDENTITY" "$STAGE/MentorDesk.app"
fi
hdiutil create -volname "MentorDesk $VERSION" -srcfolder "$STAGE" -fs HFS+ -format UDZO -ov "$DMG"
if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  codesign --force --timestamp --sign "$MACOS_SIGN_IDENTITY" "$DMG"
fi
if [ -n "${MACOS_NOTARY_PROFILE:-}" ]; then
  xcrun notarytool submit "$DMG" --keychain-profile "$MACOS_NOTARY_PROFILE" --wait
  xcrun stapler staple "$DMG"
fi
echo "build_dmg: wrote $DMG"
