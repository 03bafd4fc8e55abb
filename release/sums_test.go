package release

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// SHA256SUMS is what sha256sum -c checks, and what ParseSums reads back.
func TestWriteSums(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{"b.deb": "b", "a-linux-amd64": "a", "c d.rpm": "c"}
	for n, c := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := WriteSums(dir, []string{"b.deb", "c d.rpm", "a-linux-amd64"}); err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(filepath.Join(dir, SumsFile))
	if err != nil {
		t.Fatal(err)
	}
	want := "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb  a-linux-amd64\n" +
		"3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d  b.deb\n" +
		"2e7d2c03a9507ae265ecf5b5356885a53393a2029d241394997265a1a25aefc6  c d.rpm\n"
	if diff := cmp.Diff(want, string(text)); diff != "" {
		t.Fatalf("SHA256SUMS (-want +got):\n%s", diff)
	}
	cmd := exec.Command(need(t, "sha256sum", "coreutils"), "--check", "--strict", SumsFile)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sha256sum --check: %v\n%s", err, out)
	}
	os.WriteFile(filepath.Join(dir, "b.deb"), []byte("changed"), 0o644)
	if out, err := cmd.CombinedOutput(); err == nil {
		t.Fatalf("sha256sum --check passed a changed file:\n%s", out)
	}
	sums, err := ParseSums(strings.NewReader(string(text)))
	if err != nil || len(sums) != 3 || sums["c d.rpm"] != "2e7d2c03a9507ae265ecf5b5356885a53393a2029d241394997265a1a25aefc6" {
		t.Errorf("ParseSums: %v, %v", sums, err)
	}
	if err := WriteSums(dir, []string{"../escape"}); err == nil {
		t.Error("WriteSums named a file outside its folder")
	}
}

func TestParseSumsErrors(t *testing.T) {
	digest := strings.Repeat("ab", 32)
	tests := []struct{ in, want string }{
		{digest + " one-space\n", "line 1"},
		{digest + "  a\nnot a digest  b\n", "line 2"},
		{strings.Repeat("zz", 32) + "  a\n", "not hexadecimal"},
		{digest + "  a\n" + digest + " *a\n", "listed twice"},
		{digest + "  " + strings.Repeat("x", maxSumsLine) + "\n", "line 1"},
	}
	for _, tt := range tests {
		if _, err := ParseSums(strings.NewReader(tt.in)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseSums(%.40q): %v, want %q", tt.in, err, tt.want)
		}
	}
}

func FuzzParseSums(f *testing.F) {
	f.Add(strings.Repeat("ab", 32) + "  embargo_1.2.3_amd64.deb\n")
	f.Add(strings.Repeat("AB", 32) + " *x\n\n")
	f.Fuzz(func(t *testing.T, in string) {
		sums, err := ParseSums(strings.NewReader(in))
		if err != nil {
			return
		}
		for name, d := range sums {
			if len(d) != 64 || name == "" || strings.Contains(name, "\n") {
				t.Fatalf("accepted %q → %q", name, d)
			}
		}
	})
}
