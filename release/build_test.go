package release

import (
	"bytes"
	"debug/elf"
	"debug/pe"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Building twice, into other folders, gives the same bytes; another
// version gives others; the binary is static and says its version.
func TestReproducibleBuild(t *testing.T) {
	first := hostBinary(t)
	second := filepath.Join(t.TempDir(), "elsewhere", "embargo")
	if err := (Build{Module: root, Target: hostTarget, Stamp: testStamp, Out: second}).Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	a, b := sha(t, first), sha(t, second)
	if a != b {
		t.Fatalf("two builds of one stamp differ: %s and %s", a, b)
	}
	other := testStamp
	other.Version = "1.2.4"
	third := filepath.Join(t.TempDir(), "embargo")
	if err := (Build{Module: root, Target: hostTarget, Stamp: other, Out: third}).Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	if sha(t, third) == a {
		t.Fatal("another version built the same bytes: the stamp is not in the binary")
	}

	out := runOut(t, first, "--version")
	if !strings.Contains(out, testStamp.Version) {
		t.Errorf("embargo --version says %q, want the stamped version %s", out, testStamp.Version)
	}
	f, err := elf.Open(first)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary has a program interpreter: it is not static")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("the binary needs shared libraries %v", libs)
	}
	if f.Section(".symtab") != nil {
		t.Error("the binary keeps its symbol table (-s missing)")
	}
}

// The Windows binary cross-builds here, is a console PE for x86-64, and
// carries the stamp.
func TestWindowsBinary(t *testing.T) {
	out := filepath.Join(t.TempDir(), BinaryName(testStamp.Version, Target{"windows", "amd64"}))
	if !strings.HasSuffix(out, ".exe") {
		t.Fatalf("%s: a Windows binary is named .exe", out)
	}
	if err := (Build{Module: root, Target: Target{"windows", "amd64"}, Stamp: testStamp, Out: out}).Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	f, err := pe.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Machine != pe.IMAGE_FILE_MACHINE_AMD64 {
		t.Errorf("machine %#x, want AMD64", f.Machine)
	}
	oh, ok := f.OptionalHeader.(*pe.OptionalHeader64)
	if !ok || oh.Subsystem != pe.IMAGE_SUBSYSTEM_WINDOWS_CUI {
		t.Errorf("optional header %T: want a console (CUI) subsystem", f.OptionalHeader)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{testStamp.Version, testStamp.Commit, "2026-01-02T03:04:05Z"} {
		if !bytes.Contains(b, []byte(s)) {
			t.Errorf("the Windows binary lacks the stamp's %q", s)
		}
	}
}

func TestParseTarget(t *testing.T) {
	for _, want := range Targets {
		if got, err := ParseTarget(want.String()); err != nil || got != want {
			t.Errorf("ParseTarget(%q) = %v, %v", want, got, err)
		}
	}
	if _, err := ParseTarget("plan9/386"); err == nil || !strings.Contains(err.Error(), "linux/amd64") {
		t.Errorf("an unknown target: %v, want the list of targets", err)
	}
}

func sha(t *testing.T, path string) string {
	t.Helper()
	s, err := FileSHA256(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
