package zeek

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/input"
)

// Split plans the same parts from a mapped file, read in place, as from
// the file read through ReadAt, and refuses the same files: only JSON. A
// directive past the head does not stop the split (ReadPart stops at it).
func TestSplitMapped(t *testing.T) {
	head := "#separator \\x09\n#path\tconn\n#fields\tts\tuid\n"
	var body strings.Builder
	for i := range 3000 {
		body.WriteString("1600000000.5\tC" + strings.Repeat("x", i%40) + "\n")
	}
	for _, tc := range []struct {
		name, log string
		split     bool
	}{
		{"plain", head + body.String(), true},
		{"closed", head + body.String() + "#close\t2026-11-27-01-00-00\n", true},
		{"a # inside a field", head + "1.0\tC#1\n" + body.String(), true},
		{"CRLF", head + strings.ReplaceAll(body.String(), "\n", "\r\n"), true},
		{"no newline at the end", head + body.String() + "2.0\tC2", true},
		{"a directive midway", head + body.String() + "#fields\tts\n1.0\n" + body.String(), true},
		{"a directive at the end", head + body.String() + "#path\tconn", true},
		{"large", head + strings.Repeat(body.String(), 30), true},
		{"JSON", strings.Repeat(`{"ts":1.5,"id.orig_h":"10.0.0.1"}`+"\n", 3000), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "conn.log")
			if err := os.WriteFile(file, []byte(tc.log), 0o600); err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			for n := 1; n <= 5; n++ {
				read, err1 := Reader{}.Split(f, int64(len(tc.log)), n)
				mapped, err2 := Reader{}.Split(input.NewMappedFile(file, []byte(tc.log)), int64(len(tc.log)), n)
				if err1 != nil || err2 != nil {
					t.Fatal(err1, err2)
				}
				if diff := cmp.Diff(read, mapped); diff != "" {
					t.Fatalf("%d parts (-read +mapped):\n%s", n, diff)
				}
				if (read != nil) != tc.split || tc.split && len(read) != n {
					t.Fatalf("%d parts: got %d", n, len(read))
				}
			}
		})
	}
}
