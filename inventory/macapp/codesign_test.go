package macapp

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/binary"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// superBlob builds a code signature: a CodeDirectory (version 0x20400)
// naming ident and team, and, when cert is given, a CMS blob carrying it.
func superBlob(t testing.TB, ident, team string, cert []byte) []byte {
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
	blobs := [][2]any{{uint32(slotCodeDir), cd}}
	if cert != nil {
		sd, err := asn1.Marshal(struct {
			Version          int
			DigestAlgorithms asn1.RawValue
			ContentInfo      asn1.RawValue
			Certificates     asn1.RawValue `asn1:"tag:0"`
			SignerInfos      asn1.RawValue
		}{1, asn1.RawValue{Tag: 17, IsCompound: true, Class: 0}, asn1.RawValue{FullBytes: []byte{0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01}},
			asn1.RawValue{Class: 2, Tag: 0, IsCompound: true, Bytes: cert}, asn1.RawValue{Tag: 17, IsCompound: true}})
		if err != nil {
			t.Fatal(err)
		}
		ci, err := asn1.Marshal(struct {
			ContentType asn1.ObjectIdentifier
			Content     asn1.RawValue
		}{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}, asn1.RawValue{Class: 2, Tag: 0, IsCompound: true, Bytes: sd}})
		if err != nil {
			t.Fatal(err)
		}
		w := make([]byte, 8, 8+len(ci))
		be.PutUint32(w, magicBlobWrapper)
		be.PutUint32(w[4:], uint32(8+len(ci)))
		blobs = append(blobs, [2]any{uint32(slotSignature), append(w, ci...)})
	}
	head := make([]byte, 12+8*len(blobs))
	be.PutUint32(head, magicSuperBlob)
	be.PutUint32(head[8:], uint32(len(blobs)))
	body := []byte{}
	for i, b := range blobs {
		be.PutUint32(head[12+8*i:], b[0].(uint32))
		be.PutUint32(head[16+8*i:], uint32(len(head)+len(body)))
		body = append(body, b[1].([]byte)...)
	}
	out := append(head, body...)
	be.PutUint32(out[4:], uint32(len(out)))
	return out
}

// machO is a minimal 64-bit Mach-O with one LC_CODE_SIGNATURE command
// pointing at sig.
func machO(sig []byte) []byte {
	le := binary.LittleEndian
	h := make([]byte, 32+16)
	le.PutUint32(h[0:], 0xfeedfacf)
	le.PutUint32(h[4:], 0x01000007) // x86_64
	le.PutUint32(h[12:], 2)         // executable
	le.PutUint32(h[16:], 1)         // one load command
	le.PutUint32(h[20:], 16)
	le.PutUint32(h[32:], lcCodeSignature)
	le.PutUint32(h[36:], 16)
	le.PutUint32(h[40:], uint32(len(h)))
	le.PutUint32(h[44:], uint32(len(sig)))
	return append(h, sig...)
}

func developerCert(t testing.TB, team, org string) []byte {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		Subject: pkix.Name{CommonName: "Developer ID Application: " + org + " (" + team + ")", OrganizationalUnit: []string{team}, Organization: []string{org}}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func TestReadSignature(t *testing.T) {
	cert := developerCert(t, "ABCDE12345", "Example Developer Ltd")
	for _, tc := range []struct {
		name string
		file []byte
		want Signature
		err  string
	}{
		{"team backed by the certificate", machO(superBlob(t, "com.example.av", "ABCDE12345", cert)),
			Signature{TeamID: "ABCDE12345", Identifier: "com.example.av", Subject: "Example Developer Ltd"}, ""},
		{"team the certificate does not back", machO(superBlob(t, "com.example.av", "ZZZZZ99999", cert)),
			Signature{Identifier: "com.example.av", Subject: "Example Developer Ltd"}, ""},
		{"ad hoc: a team claimed without a certificate counts for nothing", machO(superBlob(t, "tool", "ABCDE12345", nil)),
			Signature{Identifier: "tool", AdHoc: true}, ""},
		{"unsigned", machO(nil)[:32], Signature{}, "not a Mach-O program"},
		{"not Mach-O", []byte("#!/bin/sh\n"), Signature{}, "not a Mach-O program"},
		{"blob outside", func() []byte {
			b := machO(superBlob(t, "x", "", nil))
			binary.LittleEndian.PutUint32(b[44:], 1<<20)
			return b
		}(), Signature{}, "lies outside the file"},
		{"blob count lies", func() []byte {
			s := superBlob(t, "x", "", nil)
			binary.BigEndian.PutUint32(s[8:], 1<<30)
			return machO(s)
		}(), Signature{}, "SuperBlob lists"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadSignature(bytes.NewReader(tc.file), int64(len(tc.file)))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

// TestGoLinkerSignature reads the ad-hoc signature the Go linker writes
// into every darwin/arm64 program: the identifier, no team.
func TestGoLinkerSignature(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.org/hello\n\ngo 1.21\n"), 0o644)
	out := filepath.Join(dir, "hello")
	cmd := exec.Command(goTool(t), "build", "-o", out, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=darwin", "GOARCH=arm64", "CGO_ENABLED=0", "GOFLAGS=", "GOTOOLCHAIN=local")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadSignature(bytes.NewReader(b), int64(len(b)))
	if err != nil || !got.AdHoc || got.TeamID != "" || got.Identifier != "a.out" { // the linker's identifier
		t.Errorf("got %+v, %v", got, err)
	}
}

func FuzzReadSignature(f *testing.F) {
	f.Add(machO(superBlob(f, "com.example.av", "ABCDE12345", developerCert(f, "ABCDE12345", "Example"))))
	f.Add(machO(superBlob(f, "x", "", nil)))
	f.Fuzz(func(t *testing.T, data []byte) {
		sig, err := ReadSignature(bytes.NewReader(data), int64(len(data)))
		if err == nil && sig.AdHoc && sig.TeamID != "" {
			t.Fatalf("ad-hoc signature with a team %+v", sig)
		}
	})
}

// TestBundleSignature: an app bundle's executable signed by a developer
// team gives the item its Team ID, whatever the app is called.
func TestBundleSignature(t *testing.T) {
	plist := []byte(`<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict>
<key>CFBundleIdentifier</key><string>org.example.renamed</string>
<key>CFBundleName</key><string>Renamed</string>
<key>CFBundleExecutable</key><string>Renamed</string>
</dict></plist>`)
	exe := machO(superBlob(t, "org.example.renamed", "ABCDE12345", developerCert(t, "ABCDE12345", "Example Developer Ltd")))
	root := t.TempDir()
	for p, b := range map[string][]byte{"Applications/Renamed.app/Contents/Info.plist": plist, "Applications/Renamed.app/Contents/MacOS/Renamed": exe} {
		full := filepath.Join(root, filepath.FromSlash(p))
		os.MkdirAll(filepath.Dir(full), 0o755)
		os.WriteFile(full, b, 0o755)
	}
	res := collect(t, root, Collector{})
	if len(res.items) != 1 {
		t.Fatalf("items %+v unknowns %+v", res.items, res.unknowns)
	}
	it := res.items[0]
	if it.Get("team_id") != "ABCDE12345" || it.Get("signer") != "O=Example Developer Ltd" || !strings.Contains(it.Get("signature_status"), "matches the signing certificate") {
		t.Errorf("attributes %+v", it.Attrs)
	}
}

// goTool is the go command on PATH (the one that runs these tests).
func goTool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("go")
	if err != nil {
		t.Fatal("the go command builds the fixture: ", err)
	}
	return p
}
