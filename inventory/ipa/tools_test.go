package ipa

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/collecttest"
	"github.com/embargo-dev/embargo/inventory/internal/zipapp"
)

var goBuilds sync.Map // GOARCH → program

// goProgram builds a darwin program with the go command: on arm64 its
// linker signs it ad hoc (identifier "a.out", no certificate).
func goProgram(t *testing.T, arch string) []byte {
	t.Helper()
	if b, ok := goBuilds.Load(arch); ok {
		return b.([]byte)
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatal("the go command builds the executables: ", err)
	}
	dir := t.TempDir()
	write(t, filepath.Join(dir, "main.go"), []byte("package main\n\nfunc main() {}\n"))
	write(t, filepath.Join(dir, "go.mod"), []byte("module example.org/app\n\ngo 1.21\n"))
	cmd := exec.Command(goCmd, "build", "-o", "app", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=darwin", "GOARCH="+arch, "CGO_ENABLED=0", "GOFLAGS=", "GOTOOLCHAIN=local")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	b := readFile(t, filepath.Join(dir, "app"))
	goBuilds.Store(arch, b)
	return b
}

// resign points a Go-built program's LC_CODE_SIGNATURE at sig, appended.
func resign(t *testing.T, prog, sig []byte) []byte {
	t.Helper()
	le := binary.LittleEndian
	out := append([]byte(nil), prog...)
	for len(out)%16 != 0 {
		out = append(out, 0)
	}
	ncmds, p := le.Uint32(out[16:]), 32
	for i := uint32(0); i < ncmds; i++ {
		if le.Uint32(out[p:]) == lcCodeSignature {
			le.PutUint32(out[p+8:], uint32(len(out)))
			le.PutUint32(out[p+12:], uint32(len(sig)))
			return append(out, sig...)
		}
		p += int(le.Uint32(out[p+4:]))
	}
	t.Fatal("the Go linker wrote no LC_CODE_SIGNATURE")
	return nil
}

// universal joins programs into a universal binary, in order.
func universal(progs ...[]byte) []byte {
	be := binary.BigEndian
	out := make([]byte, 8+20*len(progs))
	be.PutUint32(out, 0xcafebabe)
	be.PutUint32(out[4:], uint32(len(progs)))
	for i, p := range progs {
		for len(out)%0x4000 != 0 {
			out = append(out, 0)
		}
		be.PutUint32(out[8+20*i:], binary.LittleEndian.Uint32(p[4:])) // cputype
		be.PutUint32(out[8+20*i+8:], uint32(len(out)))
		be.PutUint32(out[8+20*i+12:], uint32(len(p)))
		be.PutUint32(out[8+20*i+16:], 14)
		out = append(out, p...)
	}
	return out
}

// ipaView is what the tests compare of an IPA's item.
type ipaView struct {
	Name, Version, BundleID, TeamID, Signer string
}

func viewOf(it inventory.Item) ipaView {
	return ipaView{it.Name, it.Version, it.Get(inventory.BundleID), it.Get(inventory.TeamID), it.Get(inventory.Signer)}
}

// TestRealIPA reads IPAs made of a binary Info.plist written by
// plistutil, provisioning profiles signed with openssl cms (DER and
// streaming BER), and executables built by the go command: ad hoc as its
// linker signs them, or re-signed with an openssl CMS signature over a
// CodeDirectory naming a team.
func TestRealIPA(t *testing.T) {
	dir := t.TempDir()
	team := newIdentity(t, dir, "team", "/UID=ABCDE12345/CN=Apple Distribution: Example Ltd (ABCDE12345)/OU=ABCDE12345/O=Example Ltd/C=GB")
	other := newIdentity(t, dir, "other", "/CN=Apple Distribution: Other Co (ZZZZZ99999)/OU=ZZZZZ99999/O=Other Co/C=US")
	info := binaryPlist(t, infoPlist("com.example.app", "Example App", "2.1.0", "2100", "Example"))
	prof := func(teamID, name string) []byte {
		return cmsSign(t, team, []byte(profilePlist(teamID, name, teamID+".com.example.app", teamID)), true, false)
	}
	signedBy := func(id identity, cdTeam string) []byte {
		cd := codeDirectory("com.example.app", cdTeam)
		return resign(t, goProgram(t, "arm64"), superBlob(cd, cmsSign(t, id, cd, false, false)))
	}
	adHoc := goProgram(t, "arm64")
	app := "Payload/Example.app/"
	for _, c := range []struct {
		name    string
		files   []entry
		want    ipaView
		status  string
		unknown string
	}{
		{"team-signed executable and profile agree", []entry{{app + "Info.plist", info}, {app + "embedded.mobileprovision", prof("ABCDE12345", "Example Ltd")}, {app + "Example", signedBy(team, "ABCDE12345")}},
			ipaView{"Example App", "2.1.0", "com.example.app", "ABCDE12345", "O=Example Ltd"},
			"Team ID from the code signature; code signature's certificate backs its Team ID; provisioning profile \"Example Distribution\" expiring 2026-01-02", ""},
		{"ad hoc executable (Go linker): the profile's team", []entry{{app + "Info.plist", info}, {app + "embedded.mobileprovision", prof("ABCDE12345", "Example Ltd")}, {app + "Example", adHoc}},
			ipaView{"Example App", "2.1.0", "com.example.app", "ABCDE12345", "O=Example Ltd"},
			"Team ID from the provisioning profile; code signature ad hoc (no certificate)", ""},
		{"App Store: no profile", []entry{{app + "Info.plist", info}, {app + "Example", signedBy(team, "ABCDE12345")}},
			ipaView{"Example App", "2.1.0", "com.example.app", "ABCDE12345", "O=Example Ltd"}, "; no provisioning profile;", ""},
		{"profile and signature disagree: the signature's team", []entry{{app + "Info.plist", info}, {app + "embedded.mobileprovision", prof("ZZZZZ99999", "Other Co")}, {app + "Example", signedBy(team, "ABCDE12345")}},
			ipaView{"Example App", "2.1.0", "com.example.app", "ABCDE12345", "O=Example Ltd"}, "Team ID from the code signature",
			`the provisioning profile names team "ZZZZZ99999", the code signature "ABCDE12345"; the signature's is kept`},
		{"certificate does not back the code directory", []entry{{app + "Info.plist", info}, {app + "Example", signedBy(other, "ABCDE12345")}},
			ipaView{"Example App", "2.1.0", "com.example.app", "", "O=Other Co"}, `code signature's certificate (team "ZZZZZ99999") does not back its Team ID "ABCDE12345"`, ""},
		{"executable absent", []entry{{app + "Info.plist", info}, {app + "embedded.mobileprovision", prof("ABCDE12345", "Example Ltd")}},
			ipaView{"Example App", "2.1.0", "com.example.app", "ABCDE12345", "O=Example Ltd"}, "Team ID from the provisioning profile; main executable absent", ""},
		{"streaming BER profile, XML Info.plist, universal binary", []entry{
			{app + "Info.plist", []byte(infoPlist("com.example.app", "", "2.1.0", "2100", "Example"))},
			{app + "embedded.mobileprovision", cmsSign(t, team, []byte(profilePlist("ABCDE12345", "Example Ltd", "ABCDE12345.*", "ABCDE12345")), true, true)},
			{app + "Example", universal(signedBy(team, "ABCDE12345"), goProgram(t, "amd64"))},
			{app + "PlugIns/Widget.appex/Info.plist", binaryPlist(t, infoPlist("com.example.app.widget", "Widget", "1", "1", "Widget"))}},
			ipaView{"Example", "2.1.0", "com.example.app", "ABCDE12345", "O=Example Ltd"}, "Team ID from the code signature", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := zipOf(t, c.files...)
			if !(Reader{}).Sniff("upload.bin", data[:min(len(data), 8<<10)]) {
				t.Error("not recognised by content")
			}
			inv, err := readIPABytes("app.ipa", data, inventory.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			if len(inv.Items) != 1 {
				t.Fatalf("items %+v unknowns %+v", inv.Items, inv.Unknowns)
			}
			it := inv.Items[0]
			if diff := cmp.Diff(c.want, viewOf(it)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if st := it.Get(inventory.SignatureStatus); !strings.Contains(st, c.status) || !strings.HasSuffix(st, "no signature verified") {
				t.Errorf("status %q, want %q", st, c.status)
			}
			switch {
			case c.unknown == "" && len(inv.Unknowns) > 0:
				t.Errorf("unknowns %+v", inv.Unknowns)
			case c.unknown != "" && (len(inv.Unknowns) != 1 || !strings.Contains(inv.Unknowns[0].Reason, c.unknown)):
				t.Errorf("unknowns %+v, want %q", inv.Unknowns, c.unknown)
			}
			if it.Type != inventory.Application || it.Ecosystem != "ios" || it.Location.Ref != "Payload/Example.app/Info.plist" || it.Get(inventory.Path) != "app.ipa" {
				t.Errorf("item %+v", it)
			}
		})
	}
}

// TestRenamedIPA: an IPA renamed to anything is known by its bundle and
// team, as a document and on a scanned volume.
func TestRenamedIPA(t *testing.T) {
	dir := t.TempDir()
	team := newIdentity(t, dir, "team", "/CN=Apple Distribution: Example Ltd (ABCDE12345)/OU=ABCDE12345/O=Example Ltd")
	cd := codeDirectory("com.example.app", "ABCDE12345")
	data := zipOf(t,
		entry{"Payload/Example.app/Info.plist", binaryPlist(t, infoPlist("com.example.app", "Example App", "2.1.0", "2100", "Example"))},
		entry{"Payload/Example.app/Example", resign(t, goProgram(t, "arm64"), superBlob(cd, cmsSign(t, team, cd, false, true)))})
	want := ipaView{"Example App", "2.1.0", "com.example.app", "ABCDE12345", "O=Example Ltd"}
	for _, name := range []string{"innocuous.bin", "holiday-photos.ipa", "IMG_2041.JPG"} {
		if !(Reader{}).Sniff(name, data[:1024]) {
			t.Errorf("%s not recognised", name)
		}
		inv, err := readIPABytes(name, data, inventory.DefaultLimits)
		if err != nil || len(inv.Items) != 1 {
			t.Fatalf("%s: %+v %v", name, inv, err)
		}
		if diff := cmp.Diff(want, viewOf(inv.Items[0])); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
	root := collecttest.Volume(t, map[string][]byte{"Users/u/Downloads/holiday-photos.ipa": data, "Users/u/Downloads/a.ipa.txt": []byte("x")})
	res := collecttest.Root(t, root, Collector{})
	if len(res.Items) != 1 || len(res.Errs) != 0 || len(res.Unknowns) != 0 {
		t.Fatalf("collector: %+v", res)
	}
	it := res.Items[0]
	if diff := cmp.Diff(want, viewOf(it)); diff != "" {
		t.Errorf("collector (-want +got):\n%s", diff)
	}
	if it.Get(inventory.Path) != "/Users/u/Downloads/holiday-photos.ipa" || it.Location.Host != "h" || it.Location.Reader != "ios-ipa" {
		t.Errorf("collector item %+v", it)
	}
	if !bytes.Equal(data[:4], []byte(zipapp.Magic)) {
		t.Fatal("not a ZIP archive")
	}
}
