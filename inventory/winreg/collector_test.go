package winreg

import (
	"bytes"
	"context"
	"io/fs"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/internal/testtool"
	"github.com/embargo-dev/embargo/inventory"
)

// row is what a test compares of an item.
type row struct {
	Type      inventory.Type
	Ecosystem string
	Name      string
	Version   string
	Ref       string
	Attrs     []inventory.Attr
}

func rows(items []inventory.Item) []row {
	var out []row
	for _, it := range items {
		out = append(out, row{it.Type, it.Ecosystem, it.Name, it.Version, it.Location.Ref, it.Attrs})
	}
	slices.SortFunc(out, func(a, b row) int { return strings.Compare(a.Ref, b.Ref) })
	return out
}

func attrs(kv ...string) []inventory.Attr {
	var out []inventory.Attr
	for i := 0; i < len(kv); i += 2 {
		out = append(out, inventory.Attr{Field: inventory.Field(kv[i]), Value: kv[i+1]})
	}
	return out
}

const (
	machineUninstall = `HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\`
	wowUninstall     = `HKLM\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall\`
	userUninstall    = `HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\`
	services2        = `HKLM\SYSTEM\ControlSet002\Services\`
	currentServices  = `HKLM\SYSTEM\CurrentControlSet\Services\`
)

func TestCollectors(t *testing.T) {
	software, system, user := fixtureHives(t)
	const kes, ksc = "{7EC66A95-AC2D-4127-940B-0445A526AB2F}", "{2924BEDA-E0D7-4DAF-A224-50D2E0B12F5B}"
	tests := []struct {
		name string
		path string
		hive []byte
		c    inventory.Collector
		want []row
	}{
		{"software", "Windows/System32/config/SOFTWARE", software, Software{}, []row{
			{inventory.Other, "windows", "KasperskyLab", "", `HKLM\SOFTWARE\KasperskyLab`, attrs("registry_key", `HKLM\SOFTWARE\KasperskyLab`)},
			{inventory.Application, "windows", "7-Zip 23.01 (x64)", "23.01", machineUninstall + "7-Zip", attrs(
				"publisher", "Igor Pavlov", "path", `C:\Program Files\7-Zip\Uninstall.exe`, "registry_key", machineUninstall+"7-Zip",
				"product_code", "7-Zip", "uninstall_string", `"C:\Program Files\7-Zip\Uninstall.exe"`)},
			{inventory.Application, "windows", "KB5034441", "1.2", machineUninstall + "KB5034441", attrs(
				"registry_key", machineUninstall+"KB5034441", "product_code", "KB5034441", "system_component", "true")},
			{inventory.Application, "windows", "Kaspersky Endpoint Security for Windows", "12.3.0.493", machineUninstall + kes, attrs(
				"publisher", "AO Kaspersky Lab",
				"path", `C:\Program Files (x86)\Kaspersky Lab\KES.12.3.0\`,
				"path", `C:\Program Files (x86)\Kaspersky Lab\KES.12.3.0\avpui.exe`,
				"registry_key", machineUninstall+kes, "product_code", kes, "uninstall_string", "MsiExec.exe /X"+kes)},
			{inventory.Other, "windows", "KasperskyLab", "", `HKLM\SOFTWARE\WOW6432Node\KasperskyLab`, attrs("registry_key", `HKLM\SOFTWARE\WOW6432Node\KasperskyLab`)},
			{inventory.Application, "windows", "Kaspersky Security Center Network Agent", "14.2.0.26967", wowUninstall + ksc, attrs(
				"publisher", "АО «Лаборатория Касперского»", "path", `\Program Files (x86)\Kaspersky Lab\NetworkAgent\`,
				"registry_key", wowUninstall+ksc, "product_code", ksc)},
		}},
		{"system", "WINDOWS/system32/CONFIG/system", system, Services{}, []row{
			{inventory.Application, "windows-service", "BITS", "", services2 + "BITS", attrs(
				"service", "BITS", "path", `\Windows\System32\svchost.exe`, "registry_key", currentServices+"BITS",
				"start_type", "automatic (delayed)", "service_type", "shared process", "service_account", "LocalSystem")},
			{inventory.Other, "windows-service", "TCP/IP Protocol Driver", "", services2 + "Tcpip", attrs(
				"service", "Tcpip", "path", `\Windows\System32\drivers\tcpip.sys`, "registry_key", currentServices+"Tcpip",
				"start_type", "boot", "service_type", "kernel driver")},
			{inventory.Application, "windows-service", "Kaspersky Security Center Network Agent", "", services2 + "klnagent", attrs(
				"service", "klnagent", "path", `C:\Program Files (x86)\Kaspersky Lab\NetworkAgent\klnagent.exe`, "registry_key", currentServices+"klnagent",
				"start_type", "automatic", "service_type", "own process", "service_account", "LocalSystem")},
			{inventory.Other, "windows-service", "volmgr", "", services2 + "volmgr", attrs(
				"service", "volmgr", "path", `\Windows\System32\drivers\volmgr.sys`, "registry_key", currentServices+"volmgr",
				"start_type", "boot", "service_type", "kernel driver")},
		}},
		{"user", "Users/alice/NTUSER.DAT", user, Users{}, []row{
			{inventory.Application, "windows", "Spotify", "1.2.31", userUninstall + "Spotify", attrs(
				"publisher", "Spotify AB", "registry_key", userUninstall+"Spotify", "product_code", "Spotify", "user", "alice")},
			{inventory.Application, "windows", "Yandex", "24.12.4.1049", userUninstall + "YandexBrowser", attrs(
				"publisher", "ООО «ЯНДЕКС»",
				"path", `C:\Users\alice\AppData\Local\Yandex\YandexBrowser\Application`,
				"path", `C:\Users\alice\AppData\Local\Yandex\YandexBrowser\Application\24.12.4.1049\Installer\setup.exe`,
				"registry_key", userUninstall+"YandexBrowser", "product_code", "YandexBrowser",
				"uninstall_string", `"C:\Users\alice\AppData\Local\Yandex\YandexBrowser\Application\24.12.4.1049\Installer\setup.exe" --uninstall`,
				"user", "alice")},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.c.Wants(tc.path) {
				t.Fatalf("%s does not want %s", tc.c.Name(), tc.path)
			}
			target := &inventory.Target{Name: "/mnt/c", FS: fstest.MapFS{tc.path: {Data: tc.hive}}}
			items, unknowns, err := tc.c.Collect(context.Background(), target, inventory.TargetFile{Path: tc.path}, inventory.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			if len(unknowns) > 0 {
				t.Errorf("unknowns: %+v", unknowns)
			}
			if diff := cmp.Diff(tc.want, rows(items)); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
			for _, it := range items {
				if it.Location.Source != "/mnt/c/"+tc.path {
					t.Errorf("%s: source %q", it.Name, it.Location.Source)
				}
			}
		})
	}
}

// TestUninstallKeysAsHivexSees lists the Uninstall keys with hivexsh, an
// independent reader, and checks that every one became an item.
func TestUninstallKeysAsHivexSees(t *testing.T) {
	software, _, _ := fixtureHives(t)
	file := filepath.Join(t.TempDir(), "SOFTWARE")
	writeFile(t, file, software)
	var want []string
	for _, dir := range []string{`\Microsoft\Windows\CurrentVersion\Uninstall`, `\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall`} {
		cmd := exec.Command(testtool.Command(t, "hivexsh", "libhivex-bin"), file)
		cmd.Stdin = strings.NewReader("cd " + dir + "\nls\n")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("hivexsh (Debian package libhivex-bin): %v", err)
		}
		want = append(want, strings.Fields(string(out))...)
	}
	items, _, err := scanHive(context.Background(), "SOFTWARE", bytes.NewReader(software), int64(len(software)), softwareHive, "", inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range items {
		if pc := it.Get(ProductCode); pc != "" {
			got = append(got, pc)
		}
	}
	slices.Sort(want)
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" || len(want) != 4 {
		t.Errorf("product codes (-hivexsh +winreg):\n%s", diff)
	}
}

// streamFS hides ReadAt from its files, as a file system over a stream
// (a tar layer, say) would.
type streamFS struct{ fs.FS }

type streamFile struct{ fs.File }

func (s streamFS) Open(name string) (fs.File, error) {
	f, err := s.FS.Open(name)
	return streamFile{f}, err
}

func TestCollectFile(t *testing.T) {
	_, system, _ := fixtureHives(t)
	const p = "Windows/System32/config/SYSTEM"
	files := fstest.MapFS{p: {Data: system}}
	small := inventory.DefaultLimits
	small.MaxBytes = int64(len(system)) - 1
	tests := []struct {
		name  string
		fsys  fs.FS
		lim   inventory.Limits
		items int
		err   string
	}{
		{"reader at", files, inventory.DefaultLimits, 4, ""},
		{"stream", streamFS{files}, inventory.DefaultLimits, 4, ""},
		{"over the limit", files, small, 0, "/mnt/c/Windows/System32/config/SYSTEM: input exceeds the size limit: the hive is"},
		{"missing", fstest.MapFS{}, inventory.DefaultLimits, 0, "file does not exist"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			target := &inventory.Target{Name: "/mnt/c", FS: tc.fsys}
			items, _, err := Services{}.Collect(context.Background(), target, inventory.TargetFile{Path: p}, tc.lim)
			if tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) || tc.err == "" && err != nil {
				t.Fatalf("error %v, want %q", err, tc.err)
			}
			if len(items) != tc.items {
				t.Errorf("%d items, want %d", len(items), tc.items)
			}
		})
	}
}
