package services

import (
	"bytes"
	"testing"

	"github.com/embargo-dev/embargo/inventory"
)

// FuzzUnit feeds arbitrary unit files to the parser: a result or an
// error naming the file, never a panic.
func FuzzUnit(f *testing.F) {
	f.Add(read(f, "testdata/kesl.service"))
	f.Add(read(f, "testdata/klnagent64.service"))
	f.Add([]byte("[Service]\nExecStart=\"unterminated\\\n\\\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		u, err := parseUnit("x.service", bytes.NewReader(data), inventory.DefaultLimits)
		if err != nil && !bytes.HasPrefix([]byte(err.Error()), []byte("x.service")) {
			t.Errorf("error %q does not name the file", err)
		}
		if err == nil && u.program != "" && u.execLine == 0 {
			t.Errorf("program %q without its line", u.program)
		}
	})
}
