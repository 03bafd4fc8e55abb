package main

import (
	"crypto/x509/pkix"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/internal/testtool"
)

// loneReport is what the lone-file tests read of a JSON report.
type loneReport struct {
	Inputs []struct {
		Source, Reader, Format string
	} `json:"inputs"`
	Items []struct {
		Name     string `json:"name"`
		Location struct {
			Source, Ref, Reader string
		} `json:"location"`
		Attributes []struct {
			Field, Value string
		} `json:"attributes"`
		Attribution *struct {
			Supplier struct{ ID string } `json:"supplier"`
		} `json:"attribution"`
	} `json:"items"`
	Notes []string `json:"notes"`
}

func scanLone(t *testing.T, dir string, args ...string) (loneReport, string, int) {
	t.Helper()
	out, stderr, code := runAt(t, dir, nil, append([]string{"scan", "-o", "json"}, args...)...)
	var rep loneReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("scan %v: exit %d, %v: %s", args, code, err, stderr)
	}
	return rep, stderr, code
}

// needTools ends the test for a missing tool (each {command, Debian
// package}): a failure that names the apt-get command, or a loud skip
// under EMBARGO_TEST_NO_INSTALL=1.
func needTools(t *testing.T, tools ...[2]string) {
	t.Helper()
	testtool.Commands(t, tools...)
}

// `embargo scan setup.exe`: one program, which no reader takes, is read
// by the PE collector as a tree of that one file would be. mingw-w64 links
// it and osslsigncode signs it for a catalogued supplier's subject; an
// unsigned copy is read too, and attributed to nobody.
func TestScanLonePE(t *testing.T) {
	needTools(t, [2]string{"x86_64-w64-mingw32-gcc", "gcc-mingw-w64-x86-64"}, [2]string{"osslsigncode", "osslsigncode"})
	dir := t.TempDir()
	src := filepath.Join(dir, "tiny.c")
	writeFixture(t, src, "int start(void) { return 0; }\n")
	unsigned := filepath.Join(dir, "tiny.exe")
	runFixtureTool(t, "x86_64-w64-mingw32-gcc", "-s", "-Os", "-nostdlib", "-Wl,--entry=start", "-o", unsigned, src)
	certs, key := codeSigningPEM(t, dir, pkix.Name{CommonName: "AO Kaspersky Lab", Organization: []string{"AO Kaspersky Lab"},
		Locality: []string{"Moscow"}, Country: []string{"RU"}})
	runFixtureTool(t, "osslsigncode", "sign", "-certs", certs, "-key", key, "-h", "sha256", "-in", unsigned, "-out", filepath.Join(dir, "setup.exe"))

	rep, stderr, code := scanLone(t, dir, "setup.exe")
	if code != 1 || len(rep.Items) != 1 {
		t.Fatalf("scan setup.exe: exit %d, %d items: %s", code, len(rep.Items), stderr)
	}
	it := rep.Items[0]
	if it.Attribution == nil || it.Attribution.Supplier.ID != "kaspersky-ao" {
		t.Errorf("setup.exe attributed to %+v, want kaspersky-ao by its signer", it.Attribution)
	}
	if it.Location.Source != "setup.exe" || it.Location.Reader != "pe-all" || rep.Inputs[0].Reader != "pe-all" {
		t.Errorf("location %+v, input %+v; want the file as named, read by pe-all", it.Location, rep.Inputs[0])
	}
	signer := ""
	for _, a := range it.Attributes {
		if a.Field == "signer" {
			signer = a.Value
		}
	}
	if !strings.Contains(signer, "AO Kaspersky Lab") {
		t.Errorf("signer %q; attributes %+v", signer, it.Attributes)
	}

	rep, stderr, code = scanLone(t, dir, "tiny.exe")
	if code != 0 || len(rep.Items) != 1 || rep.Items[0].Attribution != nil || rep.Items[0].Name != "tiny.exe" {
		t.Errorf("scan tiny.exe: exit %d, items %+v: %s", code, rep.Items, stderr)
	}
}

// `embargo scan SOFTWARE`: one registry hive, copied off a machine, is
// read by the collector that reads it on a Windows volume, as if it lay
// where Windows keeps it; a user's NTUSER.DAT in a folder named for the
// user is that user's. The hives are a hive Windows wrote (regparser's
// test data) with Uninstall entries merged in by hivexregedit.
func TestScanLoneHive(t *testing.T) {
	needTools(t, [2]string{"hivexregedit", "libwin-hivex-perl"})
	dir := t.TempDir()
	software := filepath.Join(dir, "SOFTWARE")
	hiveWith(t, software, `HKEY_LOCAL_MACHINE\SOFTWARE`, `HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\{7EC66A95-AC2D-4127-940B-0445A526AB2F}`)
	user := filepath.Join(dir, "joe", "NTUSER.DAT")
	hiveWith(t, user, `HKEY_CURRENT_USER`, `HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Uninstall\KES`)

	rep, stderr, code := scanLone(t, dir, "SOFTWARE")
	if code != 1 || len(rep.Items) != 1 || rep.Items[0].Attribution == nil || rep.Items[0].Attribution.Supplier.ID != "kaspersky-ao" {
		t.Fatalf("scan SOFTWARE: exit %d, items %+v: %s", code, rep.Items, stderr)
	}
	if l := rep.Items[0].Location; l.Source != "SOFTWARE" || l.Reader != "winreg-software" || !strings.Contains(l.Ref, `Uninstall\{7EC66A95`) {
		t.Errorf("location %+v", l)
	}
	if len(rep.Notes) != 1 || !strings.Contains(rep.Notes[0], "read by winreg-software as Windows/System32/config/SOFTWARE") {
		t.Errorf("notes %q", rep.Notes)
	}

	rep, stderr, code = scanLone(t, dir, filepath.Join("joe", "NTUSER.DAT"))
	if code != 1 || len(rep.Items) != 1 || rep.Items[0].Location.Reader != "winreg-users" {
		t.Fatalf("scan joe/NTUSER.DAT: exit %d, items %+v: %s", code, rep.Items, stderr)
	}
	if got := rep.Items[0].Location.Source; got != filepath.Join("joe", "NTUSER.DAT") {
		t.Errorf("location %q", got)
	}
	var who string
	for _, a := range rep.Items[0].Attributes {
		if a.Field == "user" {
			who = a.Value
		}
	}
	if who != "joe" {
		t.Errorf("user %q, want joe; attributes %+v", who, rep.Items[0].Attributes)
	}

	// A hive of another name is refused with what the collectors read.
	if err := os.Rename(software, filepath.Join(dir, "SAM")); err != nil {
		t.Fatal(err)
	}
	_, stderr, code = runAt(t, dir, nil, "scan", "SAM")
	if code != 2 || !strings.Contains(stderr, "SAM: a Windows registry hive, but not one the winreg collectors read: they read SOFTWARE, SYSTEM and users' NTUSER.DAT") {
		t.Errorf("scan SAM: exit %d: %s", code, stderr)
	}
}

// hiveWith writes to file a copy of a hive Windows wrote with an Uninstall
// entry of Kaspersky Endpoint Security merged in at key (below prefix,
// the hive's root), every missing parent key first.
func hiveWith(t *testing.T, file, prefix, key string) {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "www.velocidex.com/golang/regparser").Output()
	if err != nil {
		t.Fatalf("locating the regparser module: %v", err)
	}
	base, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "testdata", "NTUSER.DAT"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, base, 0o644); err != nil {
		t.Fatal(err)
	}
	var reg strings.Builder
	reg.WriteString("Windows Registry Editor Version 5.00\n")
	parts := strings.Split(strings.TrimPrefix(key, prefix+`\`), `\`)
	for i := range parts {
		reg.WriteString("\n[" + prefix + `\` + strings.Join(parts[:i+1], `\`) + "]\n")
	}
	reg.WriteString(`"DisplayName"="Kaspersky Endpoint Security for Windows"` + "\n" +
		`"DisplayVersion"="12.3.0.493"` + "\n" + `"Publisher"="AO Kaspersky Lab"` + "\n")
	regFile := file + ".reg"
	writeFixture(t, regFile, reg.String())
	runFixtureTool(t, "hivexregedit", "--merge", "--prefix", prefix, file, regFile)
	os.Remove(regFile)
}
