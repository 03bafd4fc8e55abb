package zeek

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/embargo-dev/embargo/egress"
	"github.com/embargo-dev/embargo/egress/egresstest"
)

// FuzzRead: any input is read to its end without a panic; every Bad names
// the input and a line, and every Flow has both endpoints.
func FuzzRead(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.log")
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("#separator \\x7c\n#fields|ts|id.orig_h\n1|2\n"))
	f.Add([]byte(`{"answers":["1.1.1.1",[]],"query":"a","ts":1,"id.orig_h":"::1","trans_id":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		h := defaultHeader()
		ends := h.split(data, nil)
		want := bytes.Split(data, []byte{'\t'})
		if len(ends) != len(want) {
			t.Fatalf("split: %d fields, bytes.Split %d", len(ends), len(want))
		}
		for i, want := range want {
			if !bytes.Equal(h.field(data, ends, i), want) {
				t.Fatalf("split: field %d differs from bytes.Split's", i)
			}
		}
		// The scanner accepts what encoding/json calls a valid object.
		if line := bytes.TrimSpace(data); json.Valid(line) && len(line) > 0 && line[0] == '{' && bytes.IndexByte(line, '\n') < 0 {
			var rec record
			if _, err := rec.fromJSON(line); err != nil {
				t.Fatalf("valid JSON %q: %v", line, err)
			}
		}
		var s egresstest.Sink
		r := Reader{Limits: egress.Limits{MaxLine: 512, MaxBad: 5}}
		if err := r.Read(context.Background(), "fuzz.log", bytes.NewReader(data), &s); err != nil {
			t.Fatalf("Read: %v", err)
		}
		egresstest.CheckRead(t, "fuzz.log", &s, 5)
	})
}
