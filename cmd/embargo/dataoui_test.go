package main

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/oui"
)

// runData runs embargo with XDG_DATA_HOME set to dataHome, where 'data
// update' keeps what it builds.
func runData(t *testing.T, dataHome string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), "XDG_DATA_HOME="+dataHome)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return o.String(), e.String(), code
}

var digestRE = regexp.MustCompile(`sha256:[0-9a-f]{64}`)

// embargo data show looks MAC addresses up in the embedded registry and
// names it; data update rebuilds it from the IEEE listings beside the IP
// data, and show then names and uses that one.
func TestDataOUI(t *testing.T) {
	home := t.TempDir()
	emb, err := oui.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runData(t, home, "data", "show", "44:47:CC:00:00:01", "00-1b-c5-0b-70-01", "da:a1:19:00:00:01", "01:00:5e:00:00:fb", "5.255.200.1")
	for _, want := range []string{
		"IEEE MAC address registry: ieee-data " + emb.Version() + ", listings of 2022-08-27, 46524 assignments (MA-L 32530, MA-M 4390, MA-S 5029, IAB 4575), " + emb.Digest() + " (embedded)",
		"44:47:cc:00:00:01\tMA-L 4447CC\tHangzhou Hikvision Digital Technology Co.,Ltd.\n",
		"00:1b:c5:0b:70:01\tMA-S 001BC50B7\tAutelis, LLC\n",
		"da:a1:19:00:00:01\t-\tlocally administered: no assignment\n",
		"01:00:5e:00:00:fb\t-\ta group (multicast) address: no assignment\n",
		"5.255.200.1\tRU\tAS13238",
	} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("data show: exit %d, want %q in\n%s%s", code, want, out, stderr)
		}
	}

	// From Debian's directory: the same listings as the embedded.
	out, stderr, code = runData(t, home, "data", "update", "--from", oui.DebianDir)
	file := filepath.Join(home, "embargo", "oui.registry")
	if code != 0 || !strings.Contains(out, "wrote "+file) || !strings.Contains(out, "ieee-data "+emb.Version()+", listings of 2022-08-27") {
		t.Fatalf("update from %s: exit %d\n%s%s", oui.DebianDir, code, out, stderr)
	}
	// From two excerpts given as files: the registry in use is theirs,
	// named by the digest update printed.
	out, stderr, code = runData(t, home, "data", "update", "--from", "../../oui/testdata/excerpt-oui.csv", "--from", "../../oui/testdata/excerpt-oui36.csv")
	digest := digestRE.FindString(out)
	if code != 0 || digest == "" || !strings.Contains(out, "27 assignments (MA-L 21, MA-M 0, MA-S 6, IAB 0)") {
		t.Fatalf("update from excerpts: exit %d\n%s%s", code, out, stderr)
	}
	out, _, code = runData(t, home, "data", "show", "00:1b:c5:0b:70:01", "18:d7:93:60:00:01")
	for _, want := range []string{
		"IEEE MAC address registry: IEEE RA listings, listings of ", "27 assignments", digest + " (" + file + ")",
		"00:1b:c5:0b:70:01\tMA-S 001BC50B7\tAutelis, LLC\n",
		"18:d7:93:60:00:01\t-\tnot in an assignment of the registry\n", // no mam.csv given
	} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("data show after update: want %q in\n%s", want, out)
		}
	}

	// From URLs; with IP data in the same run.
	srv := httptest.NewServer(http.FileServer(http.Dir("../../oui/testdata")))
	defer srv.Close()
	ipsnap := filepath.Join(t.TempDir(), "ip.snapshot")
	out, stderr, code = runData(t, home, "data", "update", "--from", srv.URL+"/excerpt-mam.csv", "--from", "../../ipdata/testdata/ip2asn-combined-sample.tsv")
	if code != 0 || !strings.Contains(out, "6 assignments (MA-L 0, MA-M 6") || !strings.Contains(out, "ipdata.snapshot") {
		t.Errorf("update from a URL, with IP data: exit %d\n%s%s", code, out, stderr)
	}
	if _, stderr, code := runData(t, home, "data", "update", "--from", srv.URL+"/excerpt-mam.csv", "--from", "../../ipdata/testdata/ip2asn-combined-sample.tsv", "--output", ipsnap); code != 2 || !strings.Contains(stderr, "--output takes one kind") {
		t.Errorf("both kinds with --output: exit %d %s", code, stderr)
	}

	// Refused: a damaged listing (the registry in use stays), a
	// directory without listings, a damaged registry file, an argument
	// that is no address.
	bad := filepath.Join(t.TempDir(), "oui.csv")
	os.WriteFile(bad, []byte("Registry,Assignment,Organization Name,Organization Address\nMA-L,4447C,Hikvision,\n"), 0o644)
	before, _ := os.ReadFile(file)
	if _, stderr, code := runData(t, home, "data", "update", "--from", bad); code != 2 || !strings.Contains(stderr, bad+":2: assignment \"4447C\"") {
		t.Errorf("a damaged listing: exit %d %s", code, stderr)
	}
	if after, _ := os.ReadFile(file); len(before) == 0 || !bytes.Equal(before, after) {
		t.Error("a damaged listing changed the registry in use")
	}
	if _, stderr, code := runData(t, home, "data", "update", "--from", t.TempDir()); code != 2 || !strings.Contains(stderr, "none of oui.csv") {
		t.Errorf("an empty directory: exit %d %s", code, stderr)
	}
	if _, stderr, code := runData(t, home, "data", "show", "zz:zz"); code != 2 || !strings.Contains(stderr, `"zz:zz" is not an IP address (91.103.64.10), an AS number (AS45090) or a MAC address`) {
		t.Errorf("show zz:zz: exit %d %s", code, stderr)
	}
	os.WriteFile(file, []byte("EMBOUI\x00\x00 damaged"), 0o644)
	if _, stderr, code := runData(t, home, "data", "show"); code != 2 || !strings.Contains(stderr, file) {
		t.Errorf("a damaged registry file: exit %d %s", code, stderr)
	}
}
