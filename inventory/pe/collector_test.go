package pe_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
	embpe "github.com/embargo-dev/embargo/inventory/pe"
)

// volume lays out a mounted Windows volume: the signed program where it
// is installed, a renamed copy of a signed vendor program in a user's
// downloads, a patched copy, an unsigned program, files only "pe-all"
// reads, and files that are no PE at all.
func volume(t *testing.T, fx *fixtures) string {
	t.Helper()
	root := t.TempDir()
	for p, from := range map[string]string{
		"Program Files/Kaspersky Lab/Kaspersky Endpoint Security for Windows/avp.exe": fx.signed,
		"Users/bob/Downloads/tools/notkas.exe":                                        fx.goSigned,
		"ProgramData/Cache/avp-patched.exe":                                           fx.tampered,
		"Program Files (x86)/Other/plain.EXE":                                         fx.plain,
		"Windows/System32/kernelish.dll":                                              fx.plain,
		"data/renamed.bin":                                                            fx.signed,
	} {
		copyFile(t, from, filepath.Join(root, p))
	}
	for p, body := range map[string]string{
		"Program Files/readme.txt": "not wanted",
		"Program Files/broken.exe": "not a program",
		"data/mz.txt":              "MZ is how this text file happens to start, and it goes on for more than sixty-four bytes.",
	} {
		if err := os.WriteFile(filepath.Join(root, p), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// walk offers every regular file of fsys to c, as the scan walker does,
// and collects what c reports.
func walk(t *testing.T, c inventory.Collector, fsys fs.FS, name string, lim inventory.Limits) ([]inventory.Item, []inventory.Unknown) {
	t.Helper()
	target := &inventory.Target{Name: name, FS: fsys}
	var items []inventory.Item
	var unknowns []inventory.Unknown
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() || !c.Wants(p) {
			return err
		}
		its, us, err := c.Collect(context.Background(), target, inventory.TargetFile{Path: p}, lim)
		if err != nil {
			us = append(us, inventory.Unknown{Location: inventory.Location{Source: target.Display(p)}, Reason: err.Error()})
		}
		items, unknowns = append(items, its...), append(unknowns, us...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return items, unknowns
}

func kasperskySigned(fx *fixtures) []inventory.Attr {
	return []inventory.Attr{
		{Field: inventory.Signer, Value: "CN=AO Kaspersky Lab, O=AO Kaspersky Lab, L=Moscow, C=RU"},
		{Field: inventory.SignerIssuer, Value: "CN=Embargo Test Code Signing CA, O=Embargo Tests"},
		{Field: inventory.SignerSerial, Value: "4B6173706572736B79"},
		{Field: inventory.SignerValidity, Value: fx.pki.leaf.NotBefore.UTC().Format("2006-01-02T15:04:05Z") + "/" + fx.pki.leaf.NotAfter.UTC().Format("2006-01-02T15:04:05Z")},
	}
}

// TestCollect scans the volume and checks the items, the unknowns, and
// that the renamed copy is attributed to its vendor through its signer.
func TestCollect(t *testing.T) {
	fx := makeFixtures(t)
	root := volume(t, fx)
	items, unknowns := walk(t, &embpe.Collector{}, os.DirFS(root), root, inventory.DefaultLimits)

	kesAttrs := []inventory.Attr{
		{Field: inventory.Publisher, Value: "AO Kaspersky Lab"},
		{Field: inventory.Publisher, Value: "АО «Лаборатория Касперского»"},
	}
	versioned := func(p string, sig []inventory.Attr, status embpe.Status) inventory.Item {
		attrs := append(slices.Clone(kesAttrs), inventory.Attr{Field: inventory.Path, Value: "/" + p},
			inventory.Attr{Field: inventory.OriginalFilename, Value: "avp.exe"},
			inventory.Attr{Field: inventory.FileDescription, Value: "Kaspersky Endpoint Security service"})
		attrs = append(append(attrs, sig...), inventory.Attr{Field: inventory.SignatureStatus, Value: string(status)})
		return inventory.Item{Type: inventory.Application, Ecosystem: "windows", Name: "Kaspersky Endpoint Security for Windows", Version: "21.3.10.391",
			Location: inventory.Location{Source: root + "/" + p, Reader: "pe"}, Attrs: attrs}
	}
	notkas := "Users/bob/Downloads/tools/notkas.exe"
	want := []inventory.Item{
		versioned("Program Files/Kaspersky Lab/Kaspersky Endpoint Security for Windows/avp.exe", kasperskySigned(fx), embpe.StatusValid),
		versioned("Program Files (x86)/Other/plain.EXE", nil, embpe.StatusUnsigned),
		versioned("ProgramData/Cache/avp-patched.exe", kasperskySigned(fx), embpe.StatusMismatch),
		{Type: inventory.Application, Ecosystem: "windows", Name: "notkas.exe", Location: inventory.Location{Source: root + "/" + notkas, Reader: "pe"},
			Attrs: append(append([]inventory.Attr{{Field: inventory.Path, Value: "/" + notkas}}, kasperskySigned(fx)...), inventory.Attr{Field: inventory.SignatureStatus, Value: string(embpe.StatusValid)})},
	}
	if diff := cmp.Diff(want, items, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}

	var reasons []string
	for _, u := range unknowns {
		reasons = append(reasons, strings.TrimPrefix(u.Location.Source, root+"/")+": "+u.Reason)
	}
	wantReasons := []string{
		"Program Files/broken.exe: " + root + "/Program Files/broken.exe: byte 0: not a PE file",
		"ProgramData/Cache/avp-patched.exe: Authenticode signature by CN=AO Kaspersky Lab, O=AO Kaspersky Lab, L=Moscow, C=RU: digest mismatch (tampered or re-signed): the signed SHA-256 digest is",
	}
	if len(reasons) != len(wantReasons) {
		t.Fatalf("unknowns:\n%s", strings.Join(reasons, "\n"))
	}
	for i, w := range wantReasons {
		if !strings.HasPrefix(reasons[i], w) {
			t.Errorf("unknown %d is %q, want it to start %q", i, reasons[i], w)
		}
	}

	// The renamed copy says nothing of its vendor but its signature.
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	a := attribute.New(cat)
	for _, it := range items {
		if !strings.HasSuffix(it.Location.Source, "notkas.exe") {
			continue
		}
		at := a.Attribute(&it)
		if at == nil || at.Entity.ID != "kaspersky-ao" || at.Chain.Country != "RU" {
			t.Fatalf("notkas.exe attributed to %+v, want kaspersky-ao (RU)", at)
		}
		for _, ev := range at.Evidence {
			if ev.Field != inventory.Signer {
				t.Errorf("evidence %+v is not the signer", ev)
			}
		}
	}
}

// TestCollectAll reads every file with an MZ header when asked, and
// passes over the rest without a word.
func TestCollectAll(t *testing.T) {
	fx := makeFixtures(t)
	root := volume(t, fx)
	c := &embpe.Collector{All: true}
	if c.Name() != "pe-all" || !slices.Equal(c.Tags(), []string{"pe-all"}) {
		t.Errorf("name %q tags %q", c.Name(), c.Tags())
	}
	items, unknowns := walk(t, c, os.DirFS(root), root, inventory.DefaultLimits)
	var got []string
	for _, it := range items {
		got = append(got, strings.TrimPrefix(it.Location.Source, root+"/")+" "+it.Get(inventory.SignatureStatus))
	}
	want := []string{
		"Program Files/Kaspersky Lab/Kaspersky Endpoint Security for Windows/avp.exe valid digest",
		"Program Files (x86)/Other/plain.EXE unsigned",
		"ProgramData/Cache/avp-patched.exe digest mismatch (tampered or re-signed)",
		"Users/bob/Downloads/tools/notkas.exe valid digest",
		"Windows/System32/kernelish.dll unsigned",
		"data/renamed.bin valid digest",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if len(unknowns) != 1 || !strings.Contains(unknowns[0].Reason, "digest mismatch") {
		t.Errorf("unknowns: %+v", unknowns)
	}
}

// TestCatalogSigned: on a Windows volume with a catalogue store, a file
// with no embedded signature is not called unsigned.
func TestCatalogSigned(t *testing.T) {
	fx := makeFixtures(t)
	root := t.TempDir()
	copyFile(t, fx.plain, filepath.Join(root, "WINDOWS/system32/drivers/klif.sys"))
	copyFile(t, fx.signed, filepath.Join(root, "WINDOWS/system32/drivers/signed.sys"))
	if err := os.MkdirAll(filepath.Join(root, "WINDOWS/system32/catroot/{F750E6C3-38EE-11D1-85E5-00C04FC295EE}"), 0o755); err != nil {
		t.Fatal(err)
	}
	items, _ := walk(t, &embpe.Collector{}, os.DirFS(root), root, inventory.DefaultLimits)
	var got []string
	for _, it := range items {
		got = append(got, it.Get(inventory.SignatureStatus))
	}
	if diff := cmp.Diff([]string{string(embpe.StatusCatalog), string(embpe.StatusValid)}, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
}

// noReadAt hides ReadAt, as a file system of streams would.
type noReadAt struct{ fs.FS }

type streamFile struct{ fs.File }

func (n noReadAt) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(n.FS, name) }

func (n noReadAt) Open(name string) (fs.File, error) {
	f, err := n.FS.Open(name)
	if err != nil {
		return nil, err
	}
	return streamFile{f}, nil
}

// TestCollectWithoutReadAt reads the same items from a file system whose
// files cannot be read at an offset.
func TestCollectWithoutReadAt(t *testing.T) {
	fx := makeFixtures(t)
	root := volume(t, fx)
	for _, all := range []bool{false, true} {
		want, wantU := walk(t, &embpe.Collector{All: all}, os.DirFS(root), root, inventory.DefaultLimits)
		got, gotU := walk(t, &embpe.Collector{All: all}, noReadAt{os.DirFS(root)}, root, inventory.DefaultLimits)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("all=%v: items (-ReadAt +stream):\n%s", all, diff)
		}
		if diff := cmp.Diff(wantU, gotU); diff != "" {
			t.Errorf("all=%v: unknowns (-ReadAt +stream):\n%s", all, diff)
		}
	}
}

// TestSizeLimit refuses a file over the bound with the reason, before
// reading it.
func TestSizeLimit(t *testing.T) {
	root := t.TempDir()
	p := filepath.Join(root, "Program Files/Huge/huge.exe")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("MZ"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(p, embpe.MaxFileSize+1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	items, unknowns := walk(t, &embpe.Collector{}, os.DirFS(root), root, inventory.DefaultLimits)
	if len(items) != 0 || len(unknowns) != 1 || !strings.Contains(unknowns[0].Reason, "input exceeds the size limit: 536870913 bytes, more than the 536870912 bytes") {
		t.Errorf("items %v unknowns %+v", items, unknowns)
	}
}
