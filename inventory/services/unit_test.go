package services

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/collecttest"
)

// volume lays files out under a fresh directory and returns it.
func volume(t *testing.T, files map[string][]byte) string { return collecttest.Volume(t, files) }

// collect offers the regular files below each of dirs of the target to
// the collector, as the walker does, and returns items and errors by path.
func collect(t *testing.T, tgt *inventory.Target, dirs ...string) ([]inventory.Item, []inventory.Unknown, map[string]string) {
	t.Helper()
	r := collecttest.Run(t, tgt, Collector{}, inventory.DefaultLimits, dirs...)
	return r.Items, r.Unknowns, r.Errs
}

func service(source string, line int, name, program string) inventory.Item {
	it := inventory.Item{Type: inventory.Application, Ecosystem: "systemd", Name: name,
		Location: inventory.Location{Source: "/mnt/root/" + source, Line: line, Host: "srv1", Reader: "systemd"}}
	it.Add(inventory.Service, name)
	it.Add(inventory.Path, program)
	return it
}

func TestUnits(t *testing.T) {
	files := map[string][]byte{
		"etc/systemd/system/klnagent64.service":       read(t, "testdata/klnagent64.service"),
		"usr/lib/systemd/system/kesl.service":         read(t, "testdata/kesl.service"),
		"lib/systemd/system/getty@.service":           []byte("[Service]\nExecStart=-/sbin/agetty -o '-p -- \\\\u' --noclear - $TERM\n"),
		"usr/local/lib/systemd/system/reset.service":  []byte("[Service]\nExecStart=/bin/old\nExecStart=\nExecStart=@/usr/bin/new new-argv0\nExecStart=/usr/bin/second\n"),
		"run/systemd/system/quoted.service":           []byte("[Service]\nExecStart=+'/opt/My App/run' --x\n"),
		"etc/systemd/system/other-section.service":    []byte("[Unit]\nExecStart=/not/this\n[Install]\nExecStart=/nor/this\n"),
		"etc/systemd/user/u.service":                  []byte("[Service]\nExecStart=/usr/bin/u\n"),
		"home/anna/.config/systemd/user/mine.service": []byte("[Service]\nExecStart=/home/anna/bin/mine\n"),
		"root/.config/systemd/user/r.service":         []byte("[Service]\n  ExecStart = /root/r  \n"),
		// Not wanted: drop-ins, other unit types, deeper folders.
		"etc/systemd/system/kesl.service.d/override.conf":      []byte("[Service]\nExecStart=\n"),
		"etc/systemd/system/multi-user.target.wants/x.service": []byte("[Service]\nExecStart=/x\n"),
		"usr/lib/systemd/system/apt-daily.timer":               []byte("[Timer]\n"),
		"usr/share/dbus-1/system-services/org.x.service":       []byte("[D-BUS Service]\nExec=/x\n"),
		"home/anna/.config/systemd/user/sub/deep.service":      []byte("[Service]\n"),
	}
	tgt := &inventory.Target{Name: "/mnt/root", FS: os.DirFS(volume(t, files)), Host: "srv1"}
	items, unknowns, errs := collect(t, tgt, ".")
	want := []inventory.Item{
		service("etc/systemd/system/klnagent64.service", 10, "klnagent64", "/opt/kaspersky/klnagent64/sbin/klnagent"),
		service("etc/systemd/system/other-section.service", 0, "other-section", ""),
		service("etc/systemd/user/u.service", 2, "u", "/usr/bin/u"),
		service("home/anna/.config/systemd/user/mine.service", 2, "mine", "/home/anna/bin/mine"),
		service("lib/systemd/system/getty@.service", 2, "getty@", "/sbin/agetty"),
		service("root/.config/systemd/user/r.service", 2, "r", "/root/r"),
		service("run/systemd/system/quoted.service", 2, "quoted", "/opt/My App/run"),
		service("usr/lib/systemd/system/kesl.service", 8, "kesl", "/opt/kaspersky/kesl/libexec/kesl_launcher.sh"),
		service("usr/local/lib/systemd/system/reset.service", 4, "reset", "/usr/bin/new"),
	}
	if len(errs) > 0 || len(unknowns) > 0 {
		t.Fatalf("errors %v, unknowns %v", errs, unknowns)
	}
	if diff := cmp.Diff(collecttest.WithIDs(want), items); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
}

func TestMalformedUnits(t *testing.T) {
	lim := inventory.DefaultLimits
	for _, tc := range []struct {
		name string
		data string
		lim  int64
		want string
	}{
		{"not UTF-8", "[Service]\nExecStart=/bin/\xff\n", 0, "x.service:2:16: invalid UTF-8"},
		{"too large", "[Service]\n# " + strings.Repeat("x", 200) + "\n", 100, "exceeds the size limit"},
		{"one line too long", strings.Repeat("x", 2<<20), 0, "exceeds the size limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := lim
			if tc.lim > 0 {
				l.MaxBytes = tc.lim
			}
			_, err := parseUnit("/mnt/root/x.service", strings.NewReader(tc.data), l)
			if err == nil || !strings.HasPrefix(err.Error(), "/mnt/root/x.service") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %v, want the file and %q", err, tc.want)
			}
		})
	}
}

func read(t testing.TB, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
