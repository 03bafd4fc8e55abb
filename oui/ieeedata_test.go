package oui

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/internal/testtool"
)

// These tests read the listings of Debian's ieee-data package, which
// the test script installs; without them they fail (or are skipped, with
// EMBARGO_TEST_NO_INSTALL=1: see internal/testtool).

var installed = sync.OnceValues(func() (*Registry, error) {
	return FromFiles(context.Background(), DebianDir)
})

func installedRegistry(t *testing.T) *Registry {
	t.Helper()
	testtool.File(t, filepath.Join(DebianDir, "oui.csv"), "ieee-data")
	r, err := installed()
	if err != nil {
		t.Fatalf("reading the ieee-data listings: %v", err)
	}
	return r
}

func embeddedRegistry(t testing.TB) *Registry {
	t.Helper()
	r, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// The installed package as dpkg-query and the files themselves say.
func TestInstalledSource(t *testing.T) {
	r := installedRegistry(t)
	out, err := exec.Command(testtool.Command(t, "dpkg-query", "dpkg"), "-W", "-f=${Version}", DebianPackage).Output()
	if err != nil {
		t.Fatalf("dpkg-query: %v", err)
	}
	last, err := lastUpdate(filepath.Join(DebianDir, ".lastupdate"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Source().Name != DebianPackage || r.Version() != string(out) || !r.Date().Equal(last) {
		t.Errorf("source %+v, want ieee-data %s of %v", r.Source(), out, last)
	}
	// Every record starts a line with its registry's name.
	for _, f := range []struct{ file, reg string }{{"oui.csv", MAL}, {"mam.csv", MAM}, {"oui36.csv", MAS}, {"iab.csv", IAB}} {
		b, err := os.ReadFile(filepath.Join(DebianDir, f.file))
		if err != nil {
			t.Fatal(err)
		}
		if n := bytes.Count(b, []byte("\n"+f.reg+",")); r.Count(f.reg) != n || n < 1000 {
			t.Errorf("%s: %d %s assignments, the file has %d lines starting %s,", f.file, r.Count(f.reg), f.reg, n, f.reg)
		}
	}
}

// The embedded registry is what go generate makes of the installed
// package, when it is the same version.
func TestEmbeddedIsInstalled(t *testing.T) {
	e, r := embeddedRegistry(t), installedRegistry(t)
	notice, err := os.ReadFile("data/NOTICE")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(notice), e.Digest()) || !strings.Contains(string(notice), "ieee-data "+e.Version()) {
		t.Errorf("data/NOTICE does not name %s %s; rerun go generate", e.Version(), e.Digest())
	}
	if r.Version() != e.Version() {
		t.Skipf("ieee-data %s is installed, the embedded registry is of %s: go generate ./oui to refresh it", r.Version(), e.Version())
	}
	if diff := cmp.Diff(r.Source(), e.Source()); diff != "" {
		t.Errorf("source (-installed +embedded):\n%s", diff)
	}
	if !slices.EqualFunc(slices.Collect(r.All()), slices.Collect(e.All()), func(a, b Assignment) bool { return cmp.Equal(a, b) }) {
		t.Error("the embedded assignments differ from the installed listings'; rerun go generate")
	}
}

// Assignments read from the listings (grep the CSV for the prefix), in
// the installed package's registry and the embedded one.
func TestKnownAssignments(t *testing.T) {
	tests := []struct {
		mac, reg, prefix, org string
	}{
		{"44:47:cc:01:02:03", MAL, "4447CC", "Hangzhou Hikvision Digital Technology Co.,Ltd."},
		{"08:ed:ed:01:02:03", MAL, "08EDED", "Zhejiang Dahua Technology Co., Ltd."},
		{"30:fb:b8:01:02:03", MAL, "30FBB8", "HUAWEI TECHNOLOGIES CO.,LTD"},
		{"10:32:7e:01:02:03", MAL, "10327E", "Huawei Device Co., Ltd."},
		{"08:60:83:01:02:03", MAL, "086083", "zte corporation"},
		{"9c:06:6e:01:02:03", MAL, "9C066E", "Hytera Communications Corporation Limited"},
		{"48:1c:b9:01:02:03", MAL, "481CB9", "SZ DJI TECHNOLOGY CO.,LTD"},
		{"18:d7:93:61:02:03", MAM, "18D7936", "Autel lntelligent Technology Corp.,Ltd"},
		{"00:1b:c5:0b:72:03", MAS, "001BC50B7", "Autelis, LLC"},
		{"00:50:c2:7d:52:03", IAB, "0050C27D5", "DEUTA-WERKE GmbH"},
		{"00:00:5e:00:01:01", MAL, "00005E", "ICANN, IANA Department"}, // VRRP's virtual router MAC
		{"b8:27:eb:01:02:03", MAL, "B827EB", "Raspberry Pi Foundation"},
		{"18:d7:93:f1:02:03", "", "", ""}, // the one MA-M of 18-D7-93 not assigned
		{"00:1b:c5:ff:f2:03", "", "", ""}, // an MA-S of 00-1B-C5 not assigned
		{"fc:ff:aa:01:02:03", "", "", ""}, // an IEEE RA block with nothing assigned
		{"02:c0:8c:01:02:03", "", "", ""}, // listed for 3COM, but locally administered now
		{"01:00:5e:00:00:fb", "", "", ""}, // multicast (mDNS)
	}
	for name, r := range map[string]*Registry{"installed": installedRegistry(t), "embedded": embeddedRegistry(t)} {
		for _, tc := range tests {
			a, ok := r.Lookup(tc.mac)
			got := []string{a.Registry, a.Prefix, a.Org}
			if diff := cmp.Diff([]string{tc.reg, tc.prefix, tc.org}, got); diff != "" || ok != (tc.reg != "") {
				t.Errorf("%s: Lookup(%s) ok %v (-want +got):\n%s", name, tc.mac, ok, diff)
			}
		}
	}
}
