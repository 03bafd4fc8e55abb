package androidapk

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/collecttest"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// recorded is what apksigner printed of a committed fixture when
// make-apk.sh made it: the signers', then the lineage's digests.
func recorded(t *testing.T, name string) (sha256s, sha1s []string) {
	t.Helper()
	txt := string(fixture(t, name+".print-certs.txt"))
	re := regexp.MustCompile(`(?m)^Signer #\d+ (?:in lineage )?certificate (SHA-256|SHA-1) digest: ([0-9a-f]+)$`)
	for _, m := range re.FindAllStringSubmatch(txt, -1) {
		if m[1] == "SHA-256" && !contains(sha256s, m[2]) {
			sha256s = append(sha256s, m[2])
		} else if m[1] == "SHA-1" && !contains(sha1s, m[2]) {
			sha1s = append(sha1s, m[2])
		}
	}
	return sha256s, sha1s
}

func readBytes(name string, data []byte, lim inventory.Limits) (*inventory.Inventory, error) {
	return Reader{}.Read(context.Background(), name, bytes.NewReader(data), lim)
}

// TestFixtures reads the committed APKs: the package, versions and label
// aapt compiled, and the signers apksigner printed (the rotated one's
// v3 signer first, then the key its lineage rotated from).
func TestFixtures(t *testing.T) {
	for _, c := range []struct {
		file, signers, status string
	}{
		{"fixture.apk", "O=Example Ltd", "signed with v3, v2, JAR (v1), naming the same certificates;"},
		{"rotated.apk", "O=Example Rotated Ltd,O=Example Ltd", "rotated from the older schemes' by its proof-of-rotation"},
	} {
		t.Run(c.file, func(t *testing.T) {
			s256, s1 := recorded(t, c.file)
			want := view{"Fixture App", "1.2.3", "com.example.fixture", s256, s1, strings.Split(c.signers, ",")}
			data := fixture(t, c.file)
			if !(Reader{}).Sniff("download.bin", data[:1024]) {
				t.Error("not recognised by content")
			}
			inv, err := readBytes(c.file, data, inventory.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			if len(inv.Items) != 1 || len(inv.Unknowns) != 0 || inv.Format != "Android APK" {
				t.Fatalf("%+v", inv)
			}
			it := inv.Items[0]
			if diff := cmp.Diff(want, viewOf(it)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if st := it.Get(inventory.SignatureStatus); !strings.Contains(st, c.status) {
				t.Errorf("status %q", st)
			}
			if it.Location != (inventory.Location{Source: c.file, Ref: "AndroidManifest.xml"}) || it.ID == "" {
				t.Errorf("location %+v id %q", it.Location, it.ID)
			}
		})
	}
}

// TestSniff recognises an APK by its first ZIP entries or its name, and
// nothing else: an Alpine package named *.apk is a gzip stream.
func TestSniff(t *testing.T) {
	apk := fixture(t, "fixture.apk")
	jar := zipOf(t, entry{"META-INF/MANIFEST.MF", []byte("Manifest-Version: 1.0\n")}, entry{"a/B.class", []byte{0xca, 0xfe}})
	dex := zipOf(t, entry{"META-INF/MANIFEST.MF", []byte("x")}, entry{"classes.dex", []byte("dex\n035")})
	for _, c := range []struct {
		name string
		head []byte
		want bool
	}{
		{"app.apk", apk[:1024], true},
		{"renamed.jpg", apk[:1024], true},
		{"a.jar", jar, false},
		{"a.APK", jar, true},
		{"classes.zip", dex, true},
		{"busybox-1.36.1-r2.apk", []byte{0x1f, 0x8b, 8, 0}, false},
		{"x.apk", []byte("PK"), false},
		{"x.bin", apk[:34], false},
	} {
		if got := (Reader{}).Sniff(c.name, c.head); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

type entry struct {
	name string
	data []byte
}

func zipOf(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.Create(e.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// entries are the fixture's ZIP entries, with replace applied to each.
func entries(t *testing.T, data []byte, replace func(e entry) []entry) []entry {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out []entry
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, replace(entry{zf.Name, b})...)
	}
	return out
}

// TestMalformed: what cannot be read of an APK is an Unknown beside what
// can; an archive with nothing to know the app by is an error naming the
// input. Never a panic.
func TestMalformed(t *testing.T) {
	apk := fixture(t, "fixture.apk")
	s256, _ := recorded(t, "fixture.apk")
	lim := inventory.DefaultLimits
	mutate := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), apk...)) }
	cd := cdOffset(t, apk)
	blockSize := int64(le.Uint64(apk[cd-24:]))
	blockStart := cd - blockSize - 8
	v2At := int64(bytes.Index(apk, []byte{0x1a, 0x87, 0x09, 0x71})) // the v2 pair's ID
	manifestOnly := func(man []byte) []byte {
		return zipOf(t, entries(t, apk, func(e entry) []entry {
			if e.name == manifestName {
				e.data = man
			}
			return []entry{e}
		})...)
	}
	goodMan := encodeAXML(false, []xel{manifestEl("com.example.fixture", code123, name123), appLabel})
	longLabel := encodeAXML(false, []xel{manifestEl("com.example.fixture", code123, name123),
		{name: "application", attrs: []xattr{{ns: androidNS, name: "label", id: attrLabel, typ: typeString, str: strings.Repeat("L", 100)}}}})
	jarGarbage := zipOf(t, entries(t, apk, func(e entry) []entry {
		if isJARSignature(e.name) {
			e.data = []byte{0x30, 0x03, 1, 2, 3}
		}
		return []entry{e}
	})...)
	for _, c := range []struct {
		name      string
		data      []byte
		lim       *inventory.Limits
		err       string   // an InputError with this text
		unknowns  []string // else the unknowns' reasons hold these
		itemName  string
		signers   []string
		status    string
		noPackage bool
	}{
		{name: "not a ZIP", data: []byte("hello"), err: "not a readable ZIP archive"},
		{name: "truncated", data: apk[:len(apk)/2], err: "not a readable ZIP archive"},
		{name: "a JAR", data: zipOf(t, entry{"META-INF/MANIFEST.MF", []byte("x")}), err: "no AndroidManifest.xml entry"},
		{name: "over MaxBytes", data: apk, lim: &inventory.Limits{MaxBytes: 1000, MaxItems: 10, MaxString: 100}, err: "exceeds the size limit"},
		{name: "over MaxItems", data: apk, lim: &inventory.Limits{MaxBytes: 1 << 20, MaxItems: 0, MaxString: 100}, err: "item limit"},
		{name: "unsigned, text manifest", data: zipOf(t, entry{manifestName, []byte("<manifest package=\"a.b\"/>")}),
			err: "neither the package nor a signer could be read (AndroidManifest.xml: binary manifest malformed: byte 0: text XML"},
		{name: "signing block sizes differ: v1 still read", data: mutate(func(b []byte) []byte { le.PutUint64(b[blockStart:], uint64(blockSize+1)); return b }),
			unknowns: []string{"APK Signing Block sizes differ"}, itemName: "Fixture App", signers: s256, status: "signed with JAR (v1);"},
		{name: "v2 block malformed: v3 and v1 still read", data: mutate(func(b []byte) []byte { le.PutUint32(b[v2At+4:], 1<<30); return b }),
			unknowns: []string{"APK Signature Scheme v2 block malformed: signers: length 1073741824 runs past"}, itemName: "Fixture App", signers: s256,
			status: "signed with v3, JAR (v1), naming the same certificates"},
		{name: "manifest malformed, signers still read: named by its file", data: manifestOnly(goodMan[:len(goodMan)-30]),
			unknowns: []string{"binary manifest malformed"}, itemName: "case.apk", signers: s256, status: "signed with JAR (v1);", noPackage: true},
		{name: "invalid package", data: manifestOnly(encodeAXML(true, []xel{manifestEl("com.example.fix-ure", code123, name123), appLabel})),
			unknowns: []string{`package "com.example.fix-ure" is not an Android package name`}, itemName: "Fixture App", signers: s256, status: "JAR (v1)", noPackage: true},
		{name: "no package", data: manifestOnly(encodeAXML(true, []xel{{name: "manifest"}})),
			unknowns: []string{"the manifest names no package"}, itemName: "case.apk", signers: s256, noPackage: true},
		{name: "duplicate manifest entries", data: zipOf(t, append(entries(t, apk, func(e entry) []entry { return []entry{e} }), entry{manifestName, []byte("x")})...),
			unknowns: []string{"a second AndroidManifest.xml entry"}, itemName: "Fixture App", signers: s256},
		{name: "JAR signature garbage, no signing block: unsigned", data: jarGarbage,
			unknowns: []string{"JAR signature malformed"}, itemName: "Fixture App", status: "unsigned"},
		{name: "label over MaxString: the package names it", data: manifestOnly(longLabel), lim: &inventory.Limits{MaxBytes: 1 << 20, MaxItems: 10, MaxString: 64},
			unknowns: []string{"application label longer than 64 bytes"}, itemName: "com.example.fixture", signers: s256},
		{name: "package over MaxString: the item is an Unknown", data: apk, lim: &inventory.Limits{MaxBytes: 1 << 20, MaxItems: 10, MaxString: 12},
			unknowns: []string{"android_package longer than 12 bytes"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := lim
			if c.lim != nil {
				l = *c.lim
			}
			inv, err := readBytes("case.apk", c.data, l)
			if c.err != "" {
				var ie *inventory.InputError
				if !errors.As(err, &ie) || ie.Source != "case.apk" || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want an InputError with %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var reasons []string
			for _, u := range inv.Unknowns {
				reasons = append(reasons, u.Reason)
				if u.Location.Source != "case.apk" || u.Reason == "" {
					t.Errorf("unknown %+v", u)
				}
			}
			if len(reasons) != len(c.unknowns) {
				t.Fatalf("unknowns %q, want %q", reasons, c.unknowns)
			}
			for i, want := range c.unknowns {
				if !strings.Contains(reasons[i], want) {
					t.Errorf("unknown %d: %q, want %q", i, reasons[i], want)
				}
			}
			if c.itemName == "" {
				if len(inv.Items) != 0 {
					t.Errorf("items %+v", inv.Items)
				}
				return
			}
			if len(inv.Items) != 1 {
				t.Fatalf("items %+v", inv.Items)
			}
			it := inv.Items[0]
			if it.Name != c.itemName || !cmp.Equal(values(it, inventory.APKSigner), c.signers) || (it.Get(inventory.AndroidID) == "") != c.noPackage {
				t.Errorf("item %+v", it)
			}
			if !strings.Contains(it.Get(inventory.SignatureStatus), c.status) {
				t.Errorf("status %q, want %q", it.Get(inventory.SignatureStatus), c.status)
			}
		})
	}
}

// TestCollector finds APKs on a volume by their extension: an Alpine
// package of the same extension is passed over, a broken APK is an error
// naming it.
func TestCollector(t *testing.T) {
	apk := fixture(t, "fixture.apk")
	root := collecttest.Volume(t, map[string][]byte{
		"data/app/~~x==/com.example.fixture-y==/base.apk": apk,
		"var/cache/apk/busybox-1.36.1-r2.apk":             {0x1f, 0x8b, 8, 0, 0, 0},
		"home/u/broken.APK":                               []byte("not an archive"),
	})
	res := collecttest.Root(t, root, Collector{})
	if len(res.Items) != 1 || res.Items[0].Get(inventory.Path) != "/data/app/~~x==/com.example.fixture-y==/base.apk" || res.Items[0].Get(inventory.AndroidID) != "com.example.fixture" {
		t.Errorf("items %+v", res.Items)
	}
	if len(res.Errs) != 1 || !strings.Contains(res.Errs["home/u/broken.APK"], "/home/u/broken.APK: not a readable ZIP archive") {
		t.Errorf("errors %v", res.Errs)
	}
	if len(res.Unknowns) != 0 {
		t.Errorf("unknowns %+v", res.Unknowns)
	}
}
