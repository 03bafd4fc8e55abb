package scan

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
)

// An --exclude-path is taken as embargo prints it (relative to the working
// directory when the target is), as an absolute path, or relative to the
// target; what names nothing in the target is refused with a reason.
func TestExcludeIn(t *testing.T) {
	work := t.TempDir()
	t.Chdir(work)
	writeTree(t, work, map[string]string{
		"win/Users/joe/NTUSER.DAT": "x",
		"win/Windows/notepad.exe":  "x",
		"elsewhere/file":           "x",
	})
	tests := []struct{ ex, want, err string }{
		{"win/Users", "Users", ""},                                     // as printed
		{"./win/Users/", "Users", ""},                                  // relative to the working directory
		{filepath.Join(work, "win", "Users"), "Users", ""},             // absolute
		{"Users", "Users", ""},                                         // relative to the target
		{"win/Users/joe/NTUSER.DAT", "Users/joe/NTUSER.DAT", ""},       // a file
		{"Windows", "Windows", ""},                                     // relative to the target
		{"win/Userz", "", "nothing in the target win is at win/Userz"}, // a typo
		{"elsewhere", "", "nothing in the target win is at elsewhere"}, // beside the target
		{"/etc", "", "/etc is outside the target win"},
		{"../x", "", "../x is outside the target win"},
		{"win", "", "win is the target win itself"},
	}
	for _, tc := range tests {
		got, err := excludeIn("win", tc.ex)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("excludeIn(win, %q): error %v, want %q", tc.ex, err, tc.err)
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("excludeIn(win, %q) = %q, %v; want %q", tc.ex, got, err, tc.want)
		}
	}
}

func TestExcludeInImage(t *testing.T) {
	for _, tc := range []struct{ ex, want string }{
		{"/usr/share/doc", "usr/share/doc"},
		{"usr/share/doc", "usr/share/doc"},
		{"img.tar/usr/share/doc", "usr/share/doc"},
		{"img.tar[nginx:1.27]/usr/share/doc", "usr/share/doc"},
	} {
		if got := excludeInImage("./img.tar", tc.ex); got != tc.want {
			t.Errorf("excludeInImage(%q) = %q, want %q", tc.ex, got, tc.want)
		}
	}
}

// The walk leaves out the path as printed, whether a folder or a file,
// and a path that can never match fails the scan before anything is read,
// naming the path and the target.
func TestExcludePathWalk(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	a := attribute.New(cat)
	status := readFile(t, "../inventory/dpkg/testdata/status")
	work := t.TempDir()
	t.Chdir(work)
	writeTree(t, work, map[string]string{"host/var/lib/dpkg/status": status, "host/etc/hostname": "h\n", "docs/x": "x"})
	items := func(excludes ...string) int {
		t.Helper()
		rep, err := Run(context.Background(), a, []string{"host"}, Options{Exclude: excludes})
		if err != nil {
			t.Fatalf("exclude %v: %v", excludes, err)
		}
		return rep.Summary.Items
	}
	if n := items(); n != 2 {
		t.Fatalf("%d items without exclusions, want the 2 of the status file", n)
	}
	for _, ex := range []string{"host/var/lib/dpkg", "host/var/lib/dpkg/status", "var/lib", filepath.Join(work, "host", "var")} {
		if n := items(ex); n != 0 {
			t.Errorf("--exclude-path %s: %d items, want none", ex, n)
		}
	}
	for _, tc := range []struct {
		inputs  []string
		exclude string
		want    string
	}{
		{[]string{"host"}, "host/var/lib/dkpg", "--exclude-path host/var/lib/dkpg can never match: nothing in the target host is at host/var/lib/dkpg"},
		{[]string{"host"}, "docs", "nothing in the target host is at docs"},
		{[]string{"host"}, "/etc", "/etc is outside the target host"},
		{[]string{"docs/x"}, "x", "no directory or image among the inputs"},
	} {
		_, err := Run(context.Background(), a, tc.inputs, Options{Exclude: []string{tc.exclude}})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("--exclude-path %s of %v: error %v, want %q", tc.exclude, tc.inputs, err, tc.want)
		}
	}
	// Of two targets, the one that holds the path leaves it out.
	writeTree(t, work, map[string]string{"other/etc/hostname": "o\n"})
	rep, err := Run(context.Background(), a, []string{"other", "host"}, Options{Exclude: []string{"host/var"}})
	if err != nil || rep.Summary.Items != 0 {
		t.Errorf("two targets: %v, %+v", err, rep)
	}
}

// A --select that names nothing is refused before any input is read,
// whatever the inputs, with the collectors and the tags to choose from.
func TestRunRefusesUnknownSelect(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), attribute.New(cat), []string{"testdata/real/gateway.cdx.json"}, Options{Select: []string{"windows", "bogus"}})
	if err == nil {
		t.Fatal("--select bogus accepted")
	}
	for _, want := range []string{`--select "bogus": no collector or tag has that name`, "collectors: aimodel, android-apk,", "pe-all", "tags: ai,", "windows"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), ErrNothingRead.Error()) {
		t.Errorf("error %q says no input could be read: none was tried", err)
	}
}
