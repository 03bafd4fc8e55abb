#!/usr/bin/env bash
# Makes the committed IPA fixture, fixture.ipa, with real tools: plistutil
# (Debian libplist-utils) for the binary Info.plist, openssl (openssl) for
# the key, the certificate and both CMS signatures, and zip (zip):
#
#   Payload/Fixture.app/Info.plist               binary; com.example.fixture,
#                                                "Fixture App" 1.2.3 (123)
#   Payload/Fixture.app/embedded.mobileprovision a profile for team
#                                                ABCDE12345 ("Example Ltd"),
#                                                signed streaming (BER)
#   Payload/Fixture.app/Fixture                  a minimal Mach-O whose code
#                                                signature's CodeDirectory
#                                                names ABCDE12345, signed by a
#                                                certificate with OU=ABCDE12345
#
# The Mach-O and its SuperBlob are laid out here byte by byte (Apple's
# code signing format); no tool on Linux signs a Mach-O with a
# certificate. The key is new each run; the tests check only what does
# not depend on it.
#
#   bash inventory/ipa/testdata/make-ipa.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
app=Payload/Fixture.app
mkdir -p "$app"

# u32 FORMAT N: N as four bytes, big-endian (be) or little-endian (le).
u32() {
	local h
	h=$(printf '%08x' "$2")
	if [ "$1" = le ]; then h=${h:6:2}${h:4:2}${h:2:2}${h:0:2}; fi
	printf '%s' "$h" | xxd -r -p
}

cat > Info.plist <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
<key>CFBundleIdentifier</key><string>com.example.fixture</string>
<key>CFBundleDisplayName</key><string>Fixture App</string>
<key>CFBundleName</key><string>Fixture</string>
<key>CFBundleShortVersionString</key><string>1.2.3</string>
<key>CFBundleVersion</key><string>123</string>
<key>CFBundleExecutable</key><string>Fixture</string>
</dict></plist>
XML
plistutil -i Info.plist -o "$app/Info.plist" -f bin

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout key.pem -out cert.pem -days 3650 \
	-subj "/UID=ABCDE12345/CN=Apple Distribution: Example Ltd (ABCDE12345)/OU=ABCDE12345/O=Example Ltd/C=GB" 2>/dev/null

cat > profile.plist <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
<key>AppIDName</key><string>Fixture</string>
<key>ApplicationIdentifierPrefix</key><array><string>ABCDE12345</string></array>
<key>CreationDate</key><date>2025-01-02T03:04:05Z</date>
<key>Entitlements</key><dict>
	<key>application-identifier</key><string>ABCDE12345.com.example.fixture</string>
	<key>com.apple.developer.team-identifier</key><string>ABCDE12345</string>
	<key>get-task-allow</key><false/>
</dict>
<key>ExpirationDate</key><date>2026-01-02T03:04:05Z</date>
<key>Name</key><string>Fixture Ad Hoc</string>
<key>Platform</key><array><string>iOS</string></array>
<key>ProvisionedDevices</key><array><string>00008030-001A2B3C4D5E6F70</string></array>
<key>TeamIdentifier</key><array><string>ABCDE12345</string></array>
<key>TeamName</key><string>Example Ltd</string>
<key>TimeToLive</key><integer>365</integer>
<key>UUID</key><string>0c1d2e3f-4a5b-6c7d-8e9f-a0b1c2d3e4f5</string>
<key>Version</key><integer>1</integer>
</dict></plist>
XML
openssl cms -sign -binary -nodetach -stream -in profile.plist -signer cert.pem -inkey key.pem -outform DER \
	-out "$app/embedded.mobileprovision"

# CodeDirectory, version 0x20400, no hash slots: identifier at 88, team after.
ident=com.example.fixture team=ABCDE12345
cdlen=$((88 + ${#ident} + 1 + ${#team} + 1))
{
	u32 be $((0xfade0c02)); u32 be $cdlen; u32 be $((0x20400)); u32 be 0; u32 be 0; u32 be 88
	head -c 24 /dev/zero
	u32 be $((88 + ${#ident} + 1))
	head -c 36 /dev/zero
	printf '%s\0%s\0' "$ident" "$team"
} > cd.bin
openssl cms -sign -binary -in cd.bin -signer cert.pem -inkey key.pem -outform DER -out cms.der
cmslen=$(stat -c %s cms.der)
# SuperBlob: the CodeDirectory (slot 0) and a BlobWrapper of the CMS (slot 0x10000).
sblen=$((28 + cdlen + 8 + cmslen))
{
	u32 be $((0xfade0cc0)); u32 be $sblen; u32 be 2
	u32 be 0; u32 be 28; u32 be $((0x10000)); u32 be $((28 + cdlen))
	cat cd.bin
	u32 be $((0xfade0b01)); u32 be $((8 + cmslen)); cat cms.der
} > sig.bin
# Mach-O, 64-bit arm64 executable, one load command: LC_CODE_SIGNATURE.
{
	u32 le $((0xfeedfacf)); u32 le $((0x0100000c)); u32 le 0; u32 le 2; u32 le 1; u32 le 16; u32 le 0; u32 le 0
	u32 le $((0x1d)); u32 le 16; u32 le 48; u32 le "$sblen"
	cat sig.bin
} > "$app/Fixture"

rm -f "$here/fixture.ipa"
TZ=UTC touch -t 202501020304 "$app"/* "$app" Payload
zip -X -q -r "$here/fixture.ipa" Payload
ls -l "$here/fixture.ipa"
