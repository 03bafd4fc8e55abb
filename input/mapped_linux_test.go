//go:build linux

package input

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A mapped file that shrinks while it is read is an error naming it, not
// a crash; a fault elsewhere is still a panic.
func TestMappedFileShrinks(t *testing.T) {
	name := filepath.Join(t.TempDir(), "conn.log")
	data := strings.Repeat("1600000000.5\tC1\t10.0.0.1\n", 20000)
	if err := os.WriteFile(name, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, unmap := MapFile(f, int64(len(data)))
	if b == nil {
		t.Fatal("the file was not mapped")
	}
	defer unmap()
	if err := os.Truncate(name, 0); err != nil {
		t.Fatal(err)
	}
	m := NewMappedFile(name, b)
	var sum int
	err = m.Guard(func() error {
		for _, c := range b[len(b)/2:] {
			sum += int(c)
		}
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), name+": the file changed while it was read") {
		t.Errorf("reading past the end: %v", err)
	}
	p := make([]byte, 100)
	if _, err := m.ReadAt(p, int64(len(data)/2)); err == nil {
		t.Errorf("ReadAt past the end: no error")
	}
	defer func() {
		if recover() == nil {
			t.Errorf("a nil pointer read under Guard did not panic")
		}
	}()
	var nilp *struct{ Line int }
	_ = m.Guard(func() error {
		sum += nilp.Line
		return nil
	})
}
