package ipa

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/internal/testtool"
	"github.com/embargo-dev/embargo/inventory"
)

// The real tools the tests use, from Debian packages the test script
// installs: plistutil (libplist-utils) and openssl (openssl); and the go
// command, whose linker writes an ad hoc code signature into every
// darwin/arm64 program. A missing tool fails the test.

// tool runs a command and returns its standard output.
func tool(t testing.TB, stdin []byte, name string, args ...string) []byte {
	t.Helper()
	if name != "go" {
		testtool.Command(t, name, map[string]string{"plistutil": "libplist-utils", "openssl": "openssl"}[name])
	}
	cmd := exec.Command(name, args...)
	var out, errb bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(stdin), &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, errb.String())
	}
	return out.Bytes()
}

// binaryPlist converts an XML property list to binary with plistutil.
func binaryPlist(t testing.TB, xml string) []byte {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.plist"), filepath.Join(dir, "out.plist")
	write(t, in, []byte(xml))
	tool(t, nil, "plistutil", "-i", in, "-o", out, "-f", "bin")
	b := readFile(t, out)
	if !bytes.HasPrefix(b, []byte("bplist00")) {
		t.Fatalf("plistutil wrote %q", b[:min(8, len(b))])
	}
	return b
}

// identity is a signing key and certificate made with openssl.
type identity struct {
	key, cert string // PEM files
	der       []byte
}

// newIdentity makes a self-signed certificate whose subject is subj
// ("/OU=ABCDE12345/O=Example Ltd").
func newIdentity(t testing.TB, dir, name, subj string) identity {
	t.Helper()
	id := identity{key: filepath.Join(dir, name+".key"), cert: filepath.Join(dir, name+".pem")}
	tool(t, nil, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
		"-keyout", id.key, "-out", id.cert, "-subj", subj, "-days", "365")
	blk, _ := pem.Decode(readFile(t, id.cert))
	if blk == nil {
		t.Fatal("openssl wrote no certificate")
	}
	id.der = blk.Bytes
	return id
}

// cmsSign signs content with openssl cms: embedded (-nodetach) or
// detached, DER or, streaming, BER with indefinite lengths.
func cmsSign(t testing.TB, id identity, content []byte, embed, stream bool) []byte {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "content"), filepath.Join(dir, "signed")
	write(t, in, content)
	args := []string{"cms", "-sign", "-binary", "-in", in, "-signer", id.cert, "-inkey", id.key, "-outform", "DER", "-out", out}
	if embed {
		args = append(args, "-nodetach")
	}
	if stream {
		args = append(args, "-stream")
	}
	tool(t, nil, "openssl", args...)
	b := readFile(t, out)
	if stream != bytes.HasPrefix(b, []byte{0x30, 0x80}) {
		t.Fatalf("openssl cms (stream %v) wrote % x...", stream, b[:4])
	}
	return b
}

// profilePlist is a provisioning profile's property list.
func profilePlist(team, teamName, appID, entTeam string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
<key>AppIDName</key><string>Example</string>
<key>ApplicationIdentifierPrefix</key><array><string>` + team + `</string></array>
<key>CreationDate</key><date>2025-01-02T03:04:05Z</date>
<key>Platform</key><array><string>iOS</string></array>
<key>DeveloperCertificates</key><array><data>AAAA</data></array>
<key>Entitlements</key><dict>
  <key>application-identifier</key><string>` + appID + `</string>
  <key>com.apple.developer.team-identifier</key><string>` + entTeam + `</string>
  <key>get-task-allow</key><false/>
  <key>keychain-access-groups</key><array><string>` + team + `.*</string></array>
</dict>
<key>ExpirationDate</key><date>2026-01-02T03:04:05Z</date>
<key>Name</key><string>Example Distribution</string>
<key>ProvisionsAllDevices</key><true/>
<key>TeamIdentifier</key><array><string>` + team + `</string></array>
<key>TeamName</key><string>` + teamName + `</string>
<key>TimeToLive</key><integer>365</integer>
<key>UUID</key><string>0c1d2e3f-4a5b-6c7d-8e9f-a0b1c2d3e4f5</string>
<key>Version</key><integer>1</integer>
</dict></plist>
`
}

// infoPlist is an app's Info.plist.
func infoPlist(id, display, short, build, exe string) string {
	s := `<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict>
<key>CFBundleIdentifier</key><string>` + id + `</string>
<key>CFBundleName</key><string>Example</string>
<key>CFBundleShortVersionString</key><string>` + short + `</string>
<key>CFBundleVersion</key><string>` + build + `</string>
<key>CFBundleExecutable</key><string>` + exe + `</string>
<key>MinimumOSVersion</key><string>15.0</string>`
	if display != "" {
		s += `<key>CFBundleDisplayName</key><string>` + display + `</string>`
	}
	return s + "</dict></plist>\n"
}

// codeDirectory is a CodeDirectory (version 0x20400) naming ident and
// team, without hash slots.
func codeDirectory(ident, team string) []byte {
	be := binary.BigEndian
	cd := make([]byte, 88)
	be.PutUint32(cd[0:], magicCodeDir)
	be.PutUint32(cd[8:], 0x20400)
	be.PutUint32(cd[20:], uint32(len(cd)))
	cd = append(append(cd, ident...), 0)
	if team != "" {
		be.PutUint32(cd[48:], uint32(len(cd)))
		cd = append(append(cd, team...), 0)
	}
	be.PutUint32(cd[4:], uint32(len(cd)))
	return cd
}

// superBlob is a code signature of a CodeDirectory and, unless cms is
// nil, a BlobWrapper holding it.
func superBlob(cd, cms []byte) []byte {
	be := binary.BigEndian
	type blob struct {
		slot uint32
		data []byte
	}
	blobs := []blob{{slotCodeDir, cd}}
	if cms != nil {
		w := make([]byte, 8, 8+len(cms))
		be.PutUint32(w, magicBlobWrapper)
		be.PutUint32(w[4:], uint32(8+len(cms)))
		blobs = append(blobs, blob{slotSignature, append(w, cms...)})
	}
	head := make([]byte, 12+8*len(blobs))
	be.PutUint32(head, magicSuperBlob)
	be.PutUint32(head[8:], uint32(len(blobs)))
	var body []byte
	for i, b := range blobs {
		be.PutUint32(head[12+8*i:], b.slot)
		be.PutUint32(head[16+8*i:], uint32(len(head)+len(body)))
		body = append(body, b.data...)
	}
	out := append(head, body...)
	be.PutUint32(out[4:], uint32(len(out)))
	return out
}

// machO is a minimal 64-bit little-endian Mach-O program whose only load
// command is LC_CODE_SIGNATURE pointing at sig, or that has none.
func machO(sig []byte) []byte {
	le := binary.LittleEndian
	h := make([]byte, 32+16)
	le.PutUint32(h[0:], 0xfeedfacf)
	le.PutUint32(h[4:], 0x0100000c) // arm64
	le.PutUint32(h[12:], 2)         // an executable
	if sig == nil {
		return h[:32]
	}
	le.PutUint32(h[16:], 1)
	le.PutUint32(h[20:], 16)
	le.PutUint32(h[32:], lcCodeSignature)
	le.PutUint32(h[36:], 16)
	le.PutUint32(h[40:], uint32(len(h)))
	le.PutUint32(h[44:], uint32(len(sig)))
	return append(h, sig...)
}

type entry struct {
	name string
	data []byte
}

// zipOf writes an archive of the entries, compressed as IPAs are.
func zipOf(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readIPABytes(name string, data []byte, lim inventory.Limits) (*inventory.Inventory, error) {
	return Reader{}.Read(context.Background(), name, bytes.NewReader(data), lim)
}

func write(t testing.TB, p string, b []byte) {
	t.Helper()
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t testing.TB, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
