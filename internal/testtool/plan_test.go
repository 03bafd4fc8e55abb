package testtool_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// row is one package of scripts/test's list: what shows it is installed
// and the packages whose tests need it.
type row struct {
	provides, tests []string
}

// planRows reads the list of Debian packages from scripts/test.
func planRows(t *testing.T) map[string]row {
	t.Helper()
	f, err := os.Open("../../scripts/test")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows := map[string]row{}
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == `debian="`:
			in = true
		case in && line == `"`:
			in = false
		case in:
			f := strings.Fields(line)
			if len(f) < 3 {
				t.Fatalf("scripts/test: %q is not \"package provides tests...\"", line)
			}
			if _, dup := rows[f[0]]; dup {
				t.Errorf("scripts/test lists %s twice", f[0])
			}
			if !slices.IsSorted(f[2:]) {
				t.Errorf("scripts/test: the tests of %s are not sorted: %v", f[0], f[2:])
			}
			rows[f[0]] = row{provides: strings.Split(f[1], ","), tests: f[2:]}
		}
	}
	if len(rows) < 40 {
		t.Fatalf("scripts/test lists %d packages", len(rows))
	}
	return rows
}

// helperUses are the calls through which a test needs a package without
// naming its tool: the helper packages that start a browser, a
// PostgreSQL cluster or a network lab.
var helperUses = map[string][]string{
	"chromium":      {"webtest.Browser(", "webtest.Chromium("},
	"poppler-utils": {"webtest.PDFPages("},
	"postgresql":    {"storetest.Postgres(", "storetest.StartPostgres("},
	"iproute2":      {"netlab."},
}

// Calls that name a tool and its package, as the tests write them.
var (
	callRE     = regexp.MustCompile(`(?:testtool\.(?:Command|File|Glob)|\btool|\brequireTool|\bneed)\(\w+, "([^"]+)", "([^"]+)"\)`)
	pairRE     = regexp.MustCompile(`\[2\]string\{"([^"]+)", "([^"]+)"\}`)
	requireRE  = regexp.MustCompile(`RequireTools\(\w+((?:, "[^"]+")+)\)`)
	quotedRE   = regexp.MustCompile(`"([^"]+)"`)
	helperDirs = []string{"internal/netlab", "server/web/webtest", "store/storetest"}
)

// TestPlan holds scripts/test's list to the tests: every package's tests
// use what the package provides, and every tool a test asks for by name
// (testtool.Command, File, Glob, Commands; netlab.RequireTools; the
// packages' tool helpers) is in the list, under its package, with that
// test's package among those that need it. What scripts/test prints
// before it installs is then true.
func TestPlan(t *testing.T) {
	rows := planRows(t)
	byThing := map[string]string{}
	for pkg, r := range rows {
		for _, p := range r.provides {
			byThing[p] = pkg
		}
	}
	files := map[string][]string{} // dir → texts of its Go files
	err := filepath.WalkDir("../..", func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("../..", filepath.Dir(p))
		files[filepath.ToSlash(rel)] = append(files[filepath.ToSlash(rel)], string(b))
		if !strings.HasSuffix(p, "_test.go") && !slices.Contains(helperDirs, filepath.ToSlash(rel)) {
			return nil
		}
		checkCalls(t, p, filepath.ToSlash(rel), string(b), rows, byThing)
		// A test that checks for a tool itself fails where it should skip
		// under EMBARGO_TEST_NO_INSTALL=1.
		if strings.HasSuffix(p, "_test.go") && !strings.HasPrefix(filepath.ToSlash(rel), "internal/testtool") && strings.Contains(string(b), "apt-get install") {
			t.Errorf("%s checks for a tool itself (it says \"apt-get install\"): use testtool.Command, File or Glob, which skip the test when %s=1", p, "EMBARGO_TEST_NO_INSTALL")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for pkg, r := range rows {
		for _, dir := range r.tests {
			if !usesPackage(files[dir], pkg, r) {
				t.Errorf("scripts/test says the tests of %s need %s, but none of its files names %s", dir, pkg, strings.Join(r.provides, " or "))
			}
		}
	}
}

// checkCalls checks the calls of one file that name a tool.
func checkCalls(t *testing.T, file, dir, text string, rows map[string]row, byThing map[string]string) {
	t.Helper()
	test := strings.HasSuffix(file, "_test.go")
	check := func(thing, pkg string) {
		r, ok := rows[pkg]
		switch {
		case !ok:
			t.Errorf("%s asks for %s of the Debian package %s, which scripts/test does not install", file, thing, pkg)
		case !slices.Contains(r.provides, thing):
			t.Errorf("%s asks for %s of %s, which scripts/test does not check for (it checks %v)", file, thing, pkg, r.provides)
		case test && !slices.Contains(r.tests, dir):
			t.Errorf("%s needs %s, but scripts/test does not list %s among the tests that need it", file, pkg, dir)
		}
	}
	for _, m := range callRE.FindAllStringSubmatch(text, -1) {
		check(m[1], m[2])
	}
	if strings.Contains(text, "testtool.Commands(") {
		for _, m := range pairRE.FindAllStringSubmatch(text, -1) {
			check(m[1], m[2])
		}
	}
	for _, m := range requireRE.FindAllStringSubmatch(text, -1) {
		for _, q := range quotedRE.FindAllStringSubmatch(m[1], -1) {
			if pkg, ok := byThing[q[1]]; !ok {
				t.Errorf("%s requires %s, which scripts/test does not install", file, q[1])
			} else {
				check(q[1], pkg)
			}
		}
	}
}

// usesPackage reports whether some file of a package's tests names what
// pkg provides, or calls a helper that needs it.
func usesPackage(texts []string, pkg string, r row) bool {
	for _, text := range texts {
		for _, p := range r.provides {
			name := filepath.Base(strings.TrimPrefix(p, "python3-module:"))
			if strings.Contains(text, `"`+name+`"`) || strings.Contains(text, `/`+name+`"`) {
				return true
			}
		}
		for _, h := range helperUses[pkg] {
			if strings.Contains(text, h) {
				return true
			}
		}
	}
	return false
}

// TestPlanScript runs `scripts/test --plan` on a PATH where only nmap
// and a recording apt-get are: it lists every other package with the
// tests that need it, changes nothing, and under EMBARGO_TEST_NO_INSTALL=1
// says nothing would be installed.
func TestPlanScript(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	marker := filepath.Join(t.TempDir(), "apt-get-ran")
	for name, body := range map[string]string{
		"nmap":    "#!" + bash + "\nexit 0\n",
		"apt-get": "#!" + bash + "\necho \"$@\" >> " + marker + "\n",
	} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	dirname, err := exec.LookPath("dirname")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(dirname, filepath.Join(bin, "dirname")); err != nil {
		t.Fatal(err)
	}
	for _, noInstall := range []string{"", "1"} {
		cmd := exec.Command(bash, "../../scripts/test", "--plan")
		cmd.Env = []string{"PATH=" + bin, "EMBARGO_TEST_NO_INSTALL=" + noInstall}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("scripts/test --plan: %v\n%s", err, out)
		}
		head := "== scripts/test would install:\n"
		if noInstall == "1" {
			head = "== EMBARGO_TEST_NO_INSTALL=1: nothing would be installed; the tests of these would be skipped and listed:\n"
		}
		for _, want := range []string{
			head,
			"   snmpd                      for the tests of cmd/embargo discover internal/netlab (snmpd is missing)\n",
			"   rpm                        for the tests of inventory/rpm release (rpm is missing)\n",
			"   python3-venv               for the tests of inventory/python (python3-module:ensurepip is missing)\n",
		} {
			if !strings.Contains(string(out), want) {
				t.Errorf("EMBARGO_TEST_NO_INSTALL=%q: no %q in:\n%s", noInstall, want, out)
			}
		}
		if strings.Contains(string(out), "   nmap ") {
			t.Errorf("nmap is on PATH, yet planned:\n%s", out)
		}
		if _, err := os.Stat(marker); err == nil {
			b, _ := os.ReadFile(marker)
			t.Fatalf("scripts/test --plan ran apt-get %s", b)
		}
	}
}
