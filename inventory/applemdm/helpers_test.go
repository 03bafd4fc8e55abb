package applemdm

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/embargo-dev/embargo/internal/testtool"
	"github.com/embargo-dev/embargo/inventory"
)

func read(t *testing.T, name string, data []byte, lim inventory.Limits) (*inventory.Inventory, error) {
	t.Helper()
	return Reader{}.Read(context.Background(), name, bytes.NewReader(data), lim)
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// binary converts an XML fixture to a binary property list with
// libplist's plistutil, the tool MDM tooling on Linux uses. The test
// fails, rather than skips, without it: the test script installs it.
func binary(t testing.TB, name string) []byte {
	t.Helper()
	tool := testtool.Command(t, "plistutil", "libplist-utils")
	out := filepath.Join(t.TempDir(), name+".bin")
	cmd := exec.Command(tool, "-i", filepath.Join("testdata", name), "-o", out, "-f", "bin")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("plistutil: %v: %s", err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("bplist00")) {
		t.Fatalf("plistutil wrote %q, not a binary property list", data[:min(len(data), 16)])
	}
	return data
}

// item is what the tests compare of an item.
type item struct {
	Name, Version, BundleID, Ecosystem, Ref, Host string
	Line                                          int
}

func items(t *testing.T, inv *inventory.Inventory) []item {
	t.Helper()
	var got []item
	for i, it := range inv.Items {
		if it.Type != inventory.Application || it.ID == "" || it.Index != i || it.Location.Source != inv.Source {
			t.Errorf("item %+v", it)
		}
		got = append(got, item{it.Name, it.Version, it.Get(inventory.BundleID), it.Ecosystem, it.Location.Ref, it.Location.Host, it.Location.Line})
	}
	return got
}

// unknown is what the tests compare of an unknown.
type unknown struct{ Ref, Host string }

func unknowns(inv *inventory.Inventory) []unknown {
	var got []unknown
	for _, u := range inv.Unknowns {
		got = append(got, unknown{u.Location.Ref, u.Location.Host})
	}
	return got
}

// devices drops the location of device records, checked apart.
func devices(inv *inventory.Inventory) []inventory.ManagedDevice {
	var out []inventory.ManagedDevice
	for _, d := range inv.Devices {
		d.Location = inventory.Location{}
		out = append(out, d)
	}
	return out
}
