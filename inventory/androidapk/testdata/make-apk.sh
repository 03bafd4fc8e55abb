#!/usr/bin/env bash
# Makes the committed APK fixtures with the real Android tools (Debian
# packages aapt, zipalign, apksigner, android-framework-res and
# openjdk-17-jdk-headless for keytool):
#
#   fixture.apk   com.example.fixture 1.2.3 (versionCode 123), label
#                 "Fixture App", signed v1 + v2 + v3 with an EC key
#   rotated.apk   the same app signed v1 + v2 with that key and v3 with a
#                 second key whose proof-of-rotation lists the first
#
# and beside each, <name>.print-certs.txt: what `apksigner verify
# --print-certs` (and, for rotated.apk, `apksigner lineage`) says of it,
# which the tests compare with what the reader makes of the file. The keys
# are new each run, so rerunning changes every digest; the tests read the
# expected ones from the .txt files.
#
#   bash inventory/androidapk/testdata/make-apk.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

cat > AndroidManifest.xml <<'XML'
<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android"
    package="com.example.fixture" android:versionCode="123" android:versionName="1.2.3">
  <uses-sdk android:minSdkVersion="21" android:targetSdkVersion="29"/>
  <application android:label="Fixture App"/>
</manifest>
XML
aapt package -f -M AndroidManifest.xml -I /usr/share/android-framework-res/framework-res.apk -F unaligned.apk
zipalign -f 4 unaligned.apk unsigned.apk

key() { # alias dname
	keytool -genkeypair -keystore "$1.jks" -storepass password -keypass password -alias "$1" \
		-keyalg EC -groupname secp256r1 -validity 10000 -dname "$2" >/dev/null 2>&1
}
key old "CN=Fixture Signer, O=Example Ltd, C=GB"
key new "CN=Rotated Signer, O=Example Rotated Ltd, C=GB"
old=(--ks old.jks --ks-pass pass:password --ks-key-alias old)
new=(--ks new.jks --ks-pass pass:password --ks-key-alias new)

apksigner sign "${old[@]}" --out "$here/fixture.apk" unsigned.apk
apksigner verify --verbose --print-certs "$here/fixture.apk" > "$here/fixture.apk.print-certs.txt"

apksigner rotate --out lineage --old-signer "${old[@]}" --new-signer "${new[@]}"
apksigner sign "${old[@]}" --next-signer "${new[@]}" --lineage lineage --out "$here/rotated.apk" unsigned.apk
{
	apksigner verify --verbose --print-certs "$here/rotated.apk"
	apksigner lineage --in "$here/rotated.apk" --print-certs
} > "$here/rotated.apk.print-certs.txt"
rm -f "$here"/*.idsig
ls -l "$here"/*.apk
