package winreg

import (
	"runtime"
	"testing"
	"unicode/utf16"
)

func TestImagePath(t *testing.T) {
	tests := []struct {
		raw, name string
		driver    bool
		want      string
	}{
		{`"C:\Program Files (x86)\Kaspersky Lab\NetworkAgent\klnagent.exe" -k`, "klnagent", false, `C:\Program Files (x86)\Kaspersky Lab\NetworkAgent\klnagent.exe`},
		{`C:\Program Files\Kaspersky Lab\KES\avp.exe -r`, "AVP", false, `C:\Program Files\Kaspersky Lab\KES\avp.exe`},
		{`%SystemRoot%\System32\svchost.exe -k netsvcs -p`, "BITS", false, `\Windows\System32\svchost.exe`},
		{`%systemroot%\system32\svchost.exe`, "x", false, `\Windows\system32\svchost.exe`},
		{`\SystemRoot\System32\drivers\klif.sys`, "klif", true, `\Windows\System32\drivers\klif.sys`},
		{`System32\drivers\tcpip.sys`, "Tcpip", true, `\Windows\System32\drivers\tcpip.sys`},
		{`\??\C:\Windows\system32\drivers\kneps.sys`, "kneps", true, `C:\Windows\system32\drivers\kneps.sys`},
		{``, "volmgr", true, `\Windows\System32\drivers\volmgr.sys`},
		{``, "nosvc", false, ``},
		{`"C:\unterminated\x.exe`, "x", false, `C:\unterminated\x.exe`},
		{`%ProgramFiles(x86)%\Vendor\%UNKNOWN%\a.exe`, "a", false, `\Program Files (x86)\Vendor\%UNKNOWN%\a.exe`},
		{`%SystemRoot`, "a", false, `%SystemRoot`},
		{`C:\Tools\runner.exe.bak\svc.exe arg`, "a", false, `C:\Tools\runner.exe.bak\svc.exe`},
		{`C:\Prog\noext arg`, "a", false, `C:\Prog\noext`},
		{`C:\ÄÖ\x.EXE -y`, "a", false, `C:\ÄÖ\x.EXE`},
	}
	for _, tc := range tests {
		if got := imagePath(tc.raw, tc.name, tc.driver); got != tc.want {
			t.Errorf("imagePath(%q) = %q, want %q", tc.raw, got, tc.want)
		}
	}
}

func TestProgram(t *testing.T) {
	tests := map[string]string{
		`C:\Program Files\Kaspersky Lab\KES\avpui.exe,0`: `C:\Program Files\Kaspersky Lab\KES\avpui.exe`,
		`"C:\Program Files\7-Zip\Uninstall.exe"`:         `C:\Program Files\7-Zip\Uninstall.exe`,
		`MsiExec.exe /X{7EC66A95-AC2D-4127-940B}`:        `MsiExec.exe`,
		`rundll32.exe C:\Windows\x.dll,Uninstall`:        `rundll32.exe`,
		`C:\Windows\Installer\{1234}\icon.ico`:           `C:\Windows\Installer\{1234}\icon.ico`,
		`  C:\Program Files\App\app.exe  `:               `C:\Program Files\App\app.exe`,
		``:                                               ``,
		`"`:                                              ``,
		`C:\a.com.exe`:                                   `C:\a.com.exe`,
		`C:\Program Files\Yandex\browser.exe --uninstall`: `C:\Program Files\Yandex\browser.exe`,
	}
	for in, want := range tests {
		if got := program(in); got != want {
			t.Errorf("program(%q) = %q, want %q", in, got, want)
		}
	}
	if !windowsTool("MsiExec.exe") || !windowsTool(`C:\Windows\System32\rundll32.exe`) || windowsTool(`C:\Program Files\7-Zip\Uninstall.exe`) || windowsTool("") {
		t.Error("windowsTool")
	}
}

func TestDisplayNameAndTypes(t *testing.T) {
	names := []struct{ dn, key, want string }{
		{"Kaspersky Security Center Network Agent", "klnagent", "Kaspersky Security Center Network Agent"},
		{"@%SystemRoot%\\system32\\qmgr.dll,-1000", "BITS", "BITS"},
		{"@oem3.inf,%svc%;Intel(R) Service", "isvc", "Intel(R) Service"},
		{"  ", "x", "x"},
		{"@x.inf,%a%;", "y", "y"},
	}
	for _, tc := range names {
		if got := displayName(tc.dn, tc.key); got != tc.want {
			t.Errorf("displayName(%q) = %q, want %q", tc.dn, got, tc.want)
		}
	}
	n := func(x uint64) value { return value{num: x, isNum: true} }
	starts := []struct {
		v    map[string]value
		want string
	}{
		{map[string]value{"start": n(0)}, "boot"},
		{map[string]value{"start": n(1)}, "system"},
		{map[string]value{"start": n(2)}, "automatic"},
		{map[string]value{"start": n(2), "delayedautostart": n(1)}, "automatic (delayed)"},
		{map[string]value{"start": n(3)}, "manual"},
		{map[string]value{"start": n(4)}, "disabled"},
		{map[string]value{"start": n(9)}, "start 9"},
		{map[string]value{"start": {str: "2"}}, ""},
		{nil, ""},
	}
	for _, tc := range starts {
		if got := startType(tc.v); got != tc.want {
			t.Errorf("startType(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
	types := map[uint64]string{1: "kernel driver", 2: "file system driver", 0x10: "own process", 0x20: "shared process",
		0x110: "own process, interactive", 0x60: "user service (shared process)", 0x3: "type 0x3"}
	for in, want := range types {
		if got := serviceType(in); got != want {
			t.Errorf("serviceType(%#x) = %q, want %q", in, got, want)
		}
	}
}

func TestWants(t *testing.T) {
	tests := []struct {
		path                      string
		software, system, profile bool
		user                      string
	}{
		{"Windows/System32/config/SOFTWARE", true, false, false, ""},
		{"WINDOWS/system32/config/software", true, false, false, ""},
		{"Windows/System32/config/SOFTWARE.LOG1", false, false, false, ""},
		{"Windows/System32/config/RegBack/SOFTWARE", false, false, false, ""},
		{"mnt/Windows/System32/config/SOFTWARE", false, false, false, ""},
		{"Windows/System32/config/SYSTEM", false, true, false, ""},
		{"Users/alice/NTUSER.DAT", false, false, true, "alice"},
		{"users/Bob Smith/ntuser.dat", false, false, true, "Bob Smith"},
		{"Documents and Settings/joe/NTUSER.DAT", false, false, true, "joe"},
		{"Users/NTUSER.DAT", false, false, false, ""},
		{"Users/alice/AppData/NTUSER.DAT", false, false, false, ""},
		{"Users/alice/NTUSER.DAT.LOG1", false, false, false, ""},
		{"Users/alice/ntuser.dat{53b39e88-18c4-11ea-a811-000d3aa4692b}.TM.blf", false, false, false, ""},
		{"home/Users/alice/NTUSER.DAT", false, false, false, ""},
		{"NTUSER.DAT", false, false, false, ""},
	}
	for _, tc := range tests {
		user, ok := profile(tc.path)
		if (Software{}).Wants(tc.path) != tc.software || (Services{}).Wants(tc.path) != tc.system ||
			(Users{}).Wants(tc.path) != tc.profile || ok != tc.profile || user != tc.user {
			t.Errorf("%s: software %v system %v profile %v %q", tc.path, (Software{}).Wants(tc.path), (Services{}).Wants(tc.path), ok, user)
		}
	}
	if got, want := (Live{}).Wants("Windows/System32/config/SOFTWARE"), runtime.GOOS == "windows"; got != want {
		t.Errorf("Live wants the SOFTWARE hive: %v, want %v", got, want)
	}
}

func TestStrings(t *testing.T) {
	enc := func(s string) []byte {
		var b []byte
		for _, u := range utf16.Encode([]rune(s)) {
			b = append(b, byte(u), byte(u>>8))
		}
		return b
	}
	tests := []struct {
		data       []byte
		str, multi string
	}{
		{enc("AO Kaspersky Lab\x00"), "AO Kaspersky Lab", "AO Kaspersky Lab"},
		{enc("Лаборатория"), "Лаборатория", "Лаборатория"},
		{enc("a\x00b\x00\x00"), "a", "a; b"},
		{enc("a\x00b"), "a", "a; b"},
		{append(enc("x"), 0x41), "x", "x"},
		{[]byte{0x00, 0xd8, 0x41, 0x00}, "\uFFFDA", "\uFFFDA"},
		{nil, "", ""},
		{[]byte{0xff, 0xfe, 0x41, 0x00}, "\uFEFFA", "\uFEFFA"},
	}
	for _, tc := range tests {
		if got := utf16String(tc.data); got != tc.str {
			t.Errorf("utf16String(% x) = %q, want %q", tc.data, got, tc.str)
		}
		if got := multiString(tc.data); got != tc.multi {
			t.Errorf("multiString(% x) = %q, want %q", tc.data, got, tc.multi)
		}
	}
	if got := latin1([]byte("Ni\xf0urhal")); got != "Niðurhal" {
		t.Errorf("latin1 = %q", got)
	}
}
