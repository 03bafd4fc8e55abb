package androidapk

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/collecttest"
)

const fixtureManifest = `<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android"
    package="com.example.fixture" android:versionCode="123" android:versionName="1.2.3">
  <uses-sdk android:minSdkVersion="21" android:targetSdkVersion="29"/>
  <application android:label="Fixture App"/>
</manifest>
`

// view is what the tests compare of an APK's item.
type view struct {
	Name, Version, Package string
	SHA256, SHA1, Signers  []string
}

func viewOf(it inventory.Item) view {
	return view{it.Name, it.Version, it.Get(inventory.AndroidID), values(it, inventory.APKSigner), values(it, inventory.APKSignerSHA1), values(it, inventory.Signer)}
}

// TestRealAPKs builds an APK with aapt, signs it with apksigner under
// each scheme and with several keys, and reads it: the package, the
// versions and every signer's digests must be what aapt compiled, what
// keytool says of each certificate and what apksigner verify prints.
func TestRealAPKs(t *testing.T) {
	dir := t.TempDir()
	unsigned := buildAPK(t, dir, fixtureManifest, nil)
	rsa := newKey(t, dir, "rsa", "RSA", "CN=Fixture Signer, O=Example Ltd, C=CN")
	ec := newKey(t, dir, "ec", "EC", "CN=Second Signer")
	lineage := filepath.Join(dir, "lineage")
	rotate := append(append(append([]string{"rotate", "--out", lineage, "--old-signer"}, rsa.signerArgs()...), "--new-signer"), ec.signerArgs()...)
	run(t, "apksigner", rotate...)
	app := view{Name: "Fixture App", Version: "1.2.3", Package: "com.example.fixture"}
	with := func(ks []key, signers ...string) view {
		v := app
		for _, k := range ks {
			v.SHA256, v.SHA1 = append(v.SHA256, k.sha256), append(v.SHA1, k.sha1)
		}
		v.Signers = signers
		return v
	}
	for _, c := range []struct {
		name    string
		flags   []string
		schemes string // the schemes apksigner verifies
		want    view
		status  string
	}{
		{"v1 v2 v3", nil, "v1 v2 v3", with([]key{rsa}, "O=Example Ltd"), "signed with v3, v2, JAR (v1), naming the same certificates;"},
		{"v1 only", []string{"--v2-signing-enabled", "false", "--v3-signing-enabled", "false"}, "v1", with([]key{rsa}, "O=Example Ltd"), "signed with JAR (v1);"},
		{"v2 only", []string{"--v1-signing-enabled", "false", "--v3-signing-enabled", "false", "--min-sdk-version", "24"}, "v2", with([]key{rsa}, "O=Example Ltd"), "signed with v2;"},
		{"two signers", append([]string{"--v3-signing-enabled", "false", "--next-signer"}, ec.signerArgs()...), "v1 v2",
			with([]key{rsa, ec}, "O=Example Ltd", "CN=Second Signer"), "signed with v2, JAR (v1), naming the same certificates;"},
		{"key rotation", append(append([]string{"--next-signer"}, ec.signerArgs()...), "--lineage", lineage), "v1 v2 v3",
			with([]key{ec, rsa}, "CN=Second Signer", "O=Example Ltd"), "naming the same certificates (the v3 signer rotated from the older schemes' by its proof-of-rotation);"},
	} {
		t.Run(c.name, func(t *testing.T) {
			apk := sign(t, unsigned, filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-")+".apk"), rsa, c.flags...)
			p := verify(t, apk, c.flags...)
			var verified []string
			for _, s := range []string{"v1", "v2", "v3"} {
				if p.schemes[s] {
					verified = append(verified, s)
				}
			}
			if strings.Join(verified, " ") != c.schemes {
				t.Fatalf("apksigner verifies %v, want %s", verified, c.schemes)
			}
			inv := readFile(t, apk, c.name+".apk")
			if len(inv.Items) != 1 || len(inv.Unknowns) != 0 {
				t.Fatalf("items %+v unknowns %+v", inv.Items, inv.Unknowns)
			}
			it := inv.Items[0]
			if diff := cmp.Diff(c.want, viewOf(it)); diff != "" {
				t.Errorf("item (-want +got):\n%s", diff)
			}
			// Every signer apksigner names, by both digests, is among ours.
			for i := range p.sha256 {
				if !contains(values(it, inventory.APKSigner), p.sha256[i]) || !contains(values(it, inventory.APKSignerSHA1), p.sha1[i]) {
					t.Errorf("apksigner's signer %s / %s is not among %v", p.sha256[i], p.sha1[i], it.Attrs)
				}
			}
			if st := it.Get(inventory.SignatureStatus); !strings.Contains(st, c.status) || !strings.Contains(st, "not verified") {
				t.Errorf("status %q, want %q", st, c.status)
			}
			if it.Ecosystem != "android" || it.Type != inventory.Application || it.Get(inventory.Path) != c.name+".apk" || it.ID == "" {
				t.Errorf("item %+v", it)
			}
		})
	}
	// The rotated APK's lineage, as apksigner prints it, is the old key
	// then the new.
	out := run(t, "apksigner", "lineage", "--in", filepath.Join(dir, "key-rotation.apk"), "--print-certs")
	got := regexp.MustCompile(`in lineage certificate SHA-256 digest: ([0-9a-f]+)`).FindAllStringSubmatch(out, -1)
	if len(got) != 2 || got[0][1] != rsa.sha256 || got[1][1] != ec.sha256 {
		t.Errorf("apksigner lineage printed %v", got)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestRenamedAPK: an APK renamed to anything is still known by its
// package and signer, as a document and on a scanned volume.
func TestRenamedAPK(t *testing.T) {
	dir := t.TempDir()
	k := newKey(t, dir, "rsa", "RSA", "CN=Fixture Signer, O=Example Ltd")
	apk := sign(t, buildAPK(t, dir, fixtureManifest, nil), filepath.Join(dir, "signed.apk"), k)
	p := verify(t, apk)
	data, err := os.ReadFile(apk)
	if err != nil {
		t.Fatal(err)
	}
	want := view{"Fixture App", "1.2.3", "com.example.fixture", p.sha256, p.sha1, []string{"O=Example Ltd"}}
	for _, name := range []string{"innocuous.bin", "holiday-photos.apk", "IMG_2041.JPG"} {
		renamed := filepath.Join(dir, name)
		if err := os.WriteFile(renamed, data, 0o644); err != nil {
			t.Fatal(err)
		}
		inv := readFile(t, renamed, renamed)
		if len(inv.Items) != 1 {
			t.Fatalf("%s: %+v", name, inv)
		}
		if diff := cmp.Diff(want, viewOf(inv.Items[0])); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
	root := collecttest.Volume(t, map[string][]byte{"sdcard/Download/holiday-photos.apk": data, "sdcard/Download/notes.txt": []byte("x")})
	res := collecttest.Root(t, root, Collector{})
	if len(res.Items) != 1 || len(res.Errs) != 0 || len(res.Unknowns) != 0 {
		t.Fatalf("collector: %+v", res)
	}
	it := res.Items[0]
	if diff := cmp.Diff(want, viewOf(it)); diff != "" {
		t.Errorf("collector (-want +got):\n%s", diff)
	}
	if it.Get(inventory.Path) != "/sdcard/Download/holiday-photos.apk" || it.Location.Host != "h" || it.Location.Reader != "android-apk" {
		t.Errorf("collector item %+v", it)
	}
}

// TestResourceReferences: a versionName and a label given as string
// resources are references in the compiled manifest; the versionName is
// kept as the reference aapt compiled, with an Unknown, and the package
// names the app.
func TestResourceReferences(t *testing.T) {
	dir := t.TempDir()
	manifest := strings.NewReplacer(`android:versionName="1.2.3"`, `android:versionName="@string/version"`,
		`android:label="Fixture App"`, `android:label="@string/app_name"`).Replace(fixtureManifest)
	unsigned := buildAPK(t, dir, manifest, map[string]string{"values/strings.xml": `<?xml version="1.0" encoding="utf-8"?>
<resources><string name="app_name">Fixture App</string><string name="version">4.5.6</string></resources>
`})
	apk := sign(t, unsigned, filepath.Join(dir, "refs.apk"), newKey(t, dir, "k", "EC", "O=Refs"))
	tree := run(t, "aapt", "dump", "xmltree", apk, "AndroidManifest.xml")
	m := regexp.MustCompile(`android:versionName\(0x0101021c\)=@(0x[0-9a-f]{8})`).FindStringSubmatch(tree)
	if m == nil {
		t.Fatalf("aapt compiled no versionName reference:\n%s", tree)
	}
	inv := readFile(t, apk, "refs.apk")
	if len(inv.Items) != 1 {
		t.Fatalf("%+v", inv)
	}
	it := inv.Items[0]
	if it.Name != "com.example.fixture" || it.Version != "@"+m[1] {
		t.Errorf("name %q version %q, want the package and @%s", it.Name, it.Version, m[1])
	}
	if len(inv.Unknowns) != 1 || !strings.Contains(inv.Unknowns[0].Reason, "resource reference @"+m[1]) || !strings.Contains(inv.Unknowns[0].Reason, `versionCode is "123"`) {
		t.Errorf("unknowns %+v", inv.Unknowns)
	}
}

// TestSchemesDisagree: an APK whose JAR signature names one key and whose
// v2 block another — the v2 block of one signed copy spliced before the
// central directory of another — keeps both certificates with an
// Unknown; apksigner refuses it too.
func TestSchemesDisagree(t *testing.T) {
	dir := t.TempDir()
	unsigned := buildAPK(t, dir, fixtureManifest, nil)
	a, b := newKey(t, dir, "a", "RSA", "O=Key A"), newKey(t, dir, "b", "EC", "O=Key B")
	v1 := read(t, sign(t, unsigned, filepath.Join(dir, "v1.apk"), a, "--v2-signing-enabled", "false", "--v3-signing-enabled", "false"))
	v2 := read(t, sign(t, unsigned, filepath.Join(dir, "v2.apk"), b, "--v1-signing-enabled", "false", "--v3-signing-enabled", "false"))
	mixed := filepath.Join(dir, "mixed.apk")
	if err := os.WriteFile(mixed, splice(t, v1, v2), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := runErr(t, "apksigner", "verify", mixed); err == nil {
		t.Fatalf("apksigner verified the spliced APK:\n%s", out)
	}
	inv := readFile(t, mixed, "mixed.apk")
	if len(inv.Items) != 1 {
		t.Fatalf("%+v", inv)
	}
	if got := values(inv.Items[0], inventory.APKSigner); !cmp.Equal(got, []string{b.sha256, a.sha256}) {
		t.Errorf("signers %v, want v2's %s then v1's %s", got, b.sha256, a.sha256)
	}
	if len(inv.Unknowns) != 1 || !strings.Contains(inv.Unknowns[0].Reason, "differ") {
		t.Errorf("unknowns %+v", inv.Unknowns)
	}
	if st := inv.Items[0].Get(inventory.SignatureStatus); !strings.Contains(st, "whose certificates differ") {
		t.Errorf("status %q", st)
	}
}

// splice puts the APK Signing Block of withBlock before the central
// directory of apk, moving the end of central directory's offset.
func splice(t *testing.T, apk, withBlock []byte) []byte {
	t.Helper()
	cdA, cdB := cdOffset(t, apk), cdOffset(t, withBlock)
	size := le.Uint64(withBlock[cdB-24:])
	block := withBlock[cdB-int64(size)-8 : cdB]
	out := append(append(append([]byte{}, apk[:cdA]...), block...), apk[cdA:]...)
	eocd := len(out) - 22 // no archive comment
	le.PutUint32(out[eocd+16:], uint32(cdA)+uint32(len(block)))
	return out
}

func cdOffset(t *testing.T, apk []byte) int64 {
	t.Helper()
	cd, err := centralDirectory(bytes.NewReader(apk), int64(len(apk)))
	if err != nil {
		t.Fatal(err)
	}
	return cd
}

// TestNegativeSerial: a certificate with a negative serial number, which
// old keytool releases wrote and crypto/x509 refuses, is read, with the
// digests openssl and apksigner give.
func TestNegativeSerial(t *testing.T) {
	dir := t.TempDir()
	keyPEM, certPEM, p12 := filepath.Join(dir, "k.pem"), filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.p12")
	run(t, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", keyPEM, "-out", certPEM,
		"-subj", "/O=Negative Serial Ltd", "-set_serial", "-4660", "-days", "365")
	run(t, "openssl", "pkcs12", "-export", "-in", certPEM, "-inkey", keyPEM, "-out", p12, "-passout", "pass:password", "-name", "neg")
	blk, _ := pem.Decode(read(t, certPEM))
	if blk == nil {
		t.Fatal("openssl wrote no PEM certificate")
	}
	s256, s1 := sha256.Sum256(blk.Bytes), sha1.Sum(blk.Bytes)
	k := key{store: p12, alias: "neg", storeType: "PKCS12"}
	apk := sign(t, buildAPK(t, dir, fixtureManifest, nil), filepath.Join(dir, "neg.apk"), k)
	p := verify(t, apk)
	want := view{"Fixture App", "1.2.3", "com.example.fixture", []string{hex.EncodeToString(s256[:])}, []string{hex.EncodeToString(s1[:])}, []string{"O=Negative Serial Ltd"}}
	if p.sha256[0] != want.SHA256[0] {
		t.Fatalf("apksigner printed %s, openssl's certificate is %s", p.sha256[0], want.SHA256[0])
	}
	inv := readFile(t, apk, "neg.apk")
	if len(inv.Items) != 1 || len(inv.Unknowns) != 0 {
		t.Fatalf("%+v", inv)
	}
	if diff := cmp.Diff(want, viewOf(inv.Items[0])); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func read(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
