package kavscanengine

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzRead: any file gives one of the three states, never a panic; a
// state other than unknown comes with no complaint.
func FuzzRead(f *testing.F) {
	for _, p := range []string{"icap-global/etc/kavicapd.xml", "icap-invalid/etc/kavicapd.xml", "http-global/bin/kavhttpd.xml"} {
		if b, err := os.ReadFile(filepath.Join("testdata", p)); err == nil {
			f.Add(filepath.Base(p) == "kavhttpd.xml", b)
		}
	}
	f.Fuzz(func(t *testing.T, http bool, b []byte) {
		name := "kavicapd.xml"
		if http {
			name = "kavhttpd.xml"
		}
		st, why := read(name, bytes.NewReader(b))
		switch st.value {
		case Global, Off:
			if why != "" {
				t.Fatalf("%q with a complaint %q", st.value, why)
			}
		case Unknown:
		default:
			t.Fatalf("state %q", st.value)
		}
	})
}
