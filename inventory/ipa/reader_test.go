package ipa

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/collecttest"
)

func fixture(t testing.TB) []byte { return readFile(t, filepath.Join("testdata", "fixture.ipa")) }

// TestFixture reads the committed IPA (make-ipa.sh): a binary Info.plist,
// a streaming-BER profile and a Mach-O signed for team ABCDE12345.
func TestFixture(t *testing.T) {
	data := fixture(t)
	if !(Reader{}).Sniff("upload", data[:1024]) {
		t.Error("not recognised by content")
	}
	inv, err := readIPABytes("fixture.ipa", data, inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Items) != 1 || len(inv.Unknowns) != 0 || inv.Format != "iOS IPA" {
		t.Fatalf("%+v", inv)
	}
	it := inv.Items[0]
	if diff := cmp.Diff(ipaView{"Fixture App", "1.2.3", "com.example.fixture", "ABCDE12345", "O=Example Ltd"}, viewOf(it)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	want := `Team ID from the code signature; code signature's certificate backs its Team ID; provisioning profile "Fixture Ad Hoc" expiring 2026-01-02; no signature verified`
	if st := it.Get(inventory.SignatureStatus); st != want {
		t.Errorf("status %q", st)
	}
	if it.Location != (inventory.Location{Source: "fixture.ipa", Ref: "Payload/Fixture.app/Info.plist"}) || it.ID == "" {
		t.Errorf("location %+v id %q", it.Location, it.ID)
	}
}

// rezip rewrites the fixture with change applied to each entry (nil
// leaves it out) and more added.
func rezip(t *testing.T, change func(name string, data []byte) []byte, more ...entry) []byte {
	t.Helper()
	data := fixture(t)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out []entry
	for _, zf := range zr.File {
		if strings.HasSuffix(zf.Name, "/") {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if b = change(zf.Name, b); b != nil {
			out = append(out, entry{zf.Name, b})
		}
	}
	return zipOf(t, append(out, more...)...)
}

const app = "Payload/Fixture.app/"

// TestMalformed: a part of an IPA that cannot be read is an Unknown
// beside what can; an archive with no readable app is an error naming
// the input. Never a panic.
func TestMalformed(t *testing.T) {
	replace := func(entryName string, with []byte) []byte {
		return rezip(t, func(n string, b []byte) []byte {
			if n == entryName {
				return with
			}
			return b
		})
	}
	small := inventory.Limits{MaxBytes: 1 << 20, MaxItems: 10, MaxString: 12, MaxDepth: 16}
	for _, c := range []struct {
		name     string
		data     []byte
		lim      *inventory.Limits
		err      string
		unknowns []string
		want     ipaView
	}{
		{name: "not a ZIP", data: []byte("PK\x03\x04 and nothing"), err: "not a readable ZIP archive"},
		{name: "no Payload", data: zipOf(t, entry{"Info.plist", []byte("x")}), err: "no Payload/<name>.app/Info.plist entry"},
		{name: "only an extension's Info.plist", data: zipOf(t, entry{app + "PlugIns/W.appex/Info.plist", []byte("x")}), err: "no Payload/<name>.app/Info.plist entry"},
		{name: "Info.plist garbage", data: replace(app+"Info.plist", []byte("bplist00garbage")), err: "no app could be read (Payload/Fixture.app/Info.plist: Info.plist malformed"},
		{name: "over MaxBytes", data: fixture(t), lim: &inventory.Limits{MaxBytes: 100, MaxItems: 10, MaxString: 100}, err: "exceeds the size limit"},
		{name: "over MaxItems", data: rezip(t, func(_ string, b []byte) []byte { return b }, entry{"Payload/Second.app/Info.plist", []byte(infoPlist("com.example.second", "", "1", "1", "S"))}),
			lim: &inventory.Limits{MaxBytes: 1 << 20, MaxItems: 1, MaxString: 1000, MaxDepth: 16}, err: "more than 1 apps"},
		{name: "profile garbage", data: replace(app+"embedded.mobileprovision", []byte{0x30, 0x80, 0x06}),
			unknowns: []string{"provisioning profile unreadable: not a CMS signature"}, want: ipaView{"Fixture App", "1.2.3", "com.example.fixture", "ABCDE12345", "O=Example Ltd"}},
		{name: "profile nested past MaxDepth", data: replace(app+"embedded.mobileprovision", bytes.Repeat([]byte{0x30, 0x80}, 100)),
			unknowns: []string{"BER nested too deeply"}, want: ipaView{"Fixture App", "1.2.3", "com.example.fixture", "ABCDE12345", "O=Example Ltd"}},
		{name: "code signature outside the program", data: replace(app+"Fixture", func() []byte {
			b := machO(superBlob(codeDirectory("x", ""), nil))
			binary.LittleEndian.PutUint32(b[44:], 1<<20)
			return b
		}()), unknowns: []string{"code signature unreadable: code signature of 1048576 bytes at 48 lies outside the program"},
			want: ipaView{"Fixture App", "1.2.3", "com.example.fixture", "ABCDE12345", "O=Example Ltd"}},
		{name: "executable not Mach-O", data: replace(app+"Fixture", []byte("#!/bin/sh\n")), unknowns: []string{"code signature unreadable: not a Mach-O program"},
			want: ipaView{"Fixture App", "1.2.3", "com.example.fixture", "ABCDE12345", "O=Example Ltd"}},
		{name: "unsigned executable: the profile's team", data: replace(app+"Fixture", machO(nil)),
			want: ipaView{"Fixture App", "1.2.3", "com.example.fixture", "ABCDE12345", "O=Example Ltd"}},
		{name: "invalid bundle id", data: replace(app+"Info.plist", []byte(infoPlist("com.example/fixture", "Fixture App", "1.2.3", "123", "Fixture"))),
			unknowns: []string{`CFBundleIdentifier "com.example/fixture" is not a bundle identifier`},
			want:     ipaView{"Fixture App", "1.2.3", "", "ABCDE12345", "O=Example Ltd"}},
		{name: "profile for another app", data: replace(app+"Info.plist", []byte(infoPlist("com.example.other", "", "1.2.3", "123", "Fixture"))),
			unknowns: []string{`the provisioning profile's application-identifier "ABCDE12345.com.example.fixture" is not for "com.example.other"`},
			want:     ipaView{"Example", "1.2.3", "com.example.other", "ABCDE12345", "O=Example Ltd"}},
		{name: "wrong types: build version, no name", data: replace(app+"Info.plist", []byte(`<plist><dict><key>CFBundleIdentifier</key><string>a.b</string>
<key>CFBundleShortVersionString</key><integer>3</integer><key>CFBundleVersion</key><string>77</string><key>CFBundleDisplayName</key><array/></dict></plist>`)),
			want: ipaView{"a.b", "77", "a.b", "ABCDE12345", "O=Example Ltd"}, unknowns: []string{"application-identifier"}},
		{name: "over MaxString: the item is an Unknown", data: fixture(t), lim: &small, unknowns: []string{"bundle_id longer than 12 bytes"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			lim := inventory.DefaultLimits
			lim.MaxDepth = 16
			if c.lim != nil {
				lim = *c.lim
			}
			inv, err := readIPABytes("case.ipa", c.data, lim)
			if c.err != "" {
				var ie *inventory.InputError
				if !errors.As(err, &ie) || ie.Source != "case.ipa" || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want an InputError with %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(inv.Unknowns) != len(c.unknowns) {
				t.Fatalf("unknowns %+v, want %q", inv.Unknowns, c.unknowns)
			}
			for i, want := range c.unknowns {
				if u := inv.Unknowns[i]; !strings.Contains(u.Reason, want) || u.Location.Source != "case.ipa" {
					t.Errorf("unknown %+v, want %q", u, want)
				}
			}
			var got []ipaView
			for _, it := range inv.Items {
				got = append(got, viewOf(it))
			}
			var want []ipaView
			if c.want != (ipaView{}) {
				want = []ipaView{c.want}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestSniff recognises an IPA by a Payload/ entry in its first local
// headers, or by its name, and not other archives.
func TestSniff(t *testing.T) {
	ipa := fixture(t)
	jar := zipOf(t, entry{"META-INF/MANIFEST.MF", []byte("x")})
	for _, c := range []struct {
		name string
		head []byte
		want bool
	}{
		{"a.ipa", ipa[:512], true},
		{"renamed.dat", ipa[:512], true},
		{"a.IPA", jar, true},
		{"a.jar", jar, false},
		{"a.ipa", []byte("bplist00"), false},
		{"x", ipa[:31], false},
	} {
		if got := (Reader{}).Sniff(c.name, c.head); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// TestCollectorErrors: a broken *.ipa is an error naming it.
func TestCollectorErrors(t *testing.T) {
	root := collecttest.Volume(t, map[string][]byte{"a/good.ipa": fixture(t), "a/broken.ipa": []byte("nope")})
	res := collecttest.Root(t, root, Collector{})
	if len(res.Items) != 1 || res.Items[0].Get(inventory.Path) != "/a/good.ipa" {
		t.Errorf("items %+v", res.Items)
	}
	if len(res.Errs) != 1 || !strings.Contains(res.Errs["a/broken.ipa"], "/a/broken.ipa: not a readable ZIP archive") {
		t.Errorf("errors %v", res.Errs)
	}
}

// TestBER reads what the CMS parser meets: definite and indefinite
// lengths, constructed OCTET STRINGs, long tags, and refuses what
// overruns its input or nests too deep.
func TestBER(t *testing.T) {
	for _, c := range []struct {
		name string
		in   []byte
		want string // the octets of the OCTET STRING inside, or the error
	}{
		{"definite", []byte{0x30, 0x05, 0x04, 0x03, 'a', 'b', 'c'}, "abc"},
		{"indefinite", []byte{0x30, 0x80, 0x04, 0x02, 'a', 'b', 0, 0}, "ab"},
		{"constructed octets", []byte{0x30, 0x80, 0x24, 0x80, 0x04, 0x01, 'a', 0x04, 0x02, 'b', 'c', 0, 0, 0, 0}, "abc"},
		{"long length", []byte{0x30, 0x81, 0x03, 0x04, 0x01, 'z'}, "z"},
		{"length past the end", []byte{0x30, 0x05, 0x04, 0x03, 'a'}, "BER element of 5 bytes, 3 left"},
		{"indefinite primitive", []byte{0x30, 0x80, 0x04, 0x80, 0, 0}, "indefinite length of a primitive"},
		{"no end marker", []byte{0x30, 0x80, 0x04, 0x01, 'a'}, "truncated"},
		{"length of 9 bytes", []byte{0x30, 0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9}, "BER length of 9 bytes"},
		{"deep", append(bytes.Repeat([]byte{0x30, 0x80}, 40), 0, 0), "nested too deeply"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := func() (string, error) {
				top, _, err := parseTLV(c.in, 16)
				if err != nil {
					return "", err
				}
				kids, err := children(top, 16)
				if err != nil || len(kids) != 1 {
					return "", err
				}
				b, err := octets(kids[0], 16)
				return string(b), err
			}()
			if err != nil {
				got = err.Error()
			}
			if !strings.Contains(got, c.want) {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
	tag, _, err := parseTLV([]byte{0x9f, 0x81, 0x01, 0x00}, 4)
	if err != nil || tag.class != 2 || tag.tag != 129 {
		t.Errorf("long tag: %+v %v", tag, err)
	}
}
