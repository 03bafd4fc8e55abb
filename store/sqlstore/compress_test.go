package sqlstore

import (
	"bytes"
	"compress/gzip"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func gz(t *testing.T, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	zw.Write(b)
	zw.Close()
	return out.Bytes()
}

func TestReportCompression(t *testing.T) {
	report := bytes.Repeat([]byte(`{"items":[{"name":"kesl"}]}`), 1000)
	cases := []struct {
		name string
		in   []byte
	}{
		{"json", report},
		{"already gzip", gz(t, report)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			packed, err := compressReport(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(packed, gzipMagic) || len(packed) >= len(report)/10 {
				t.Errorf("stored %d bytes for a %d-byte report", len(packed), len(report))
			}
			got, err := expandReport(packed)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(report), string(got)); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
	// Rows written before compression came read back as they are.
	if got, err := expandReport([]byte(`{"a":1}`)); err != nil || string(got) != `{"a":1}` {
		t.Errorf("plain row: %q, %v", got, err)
	}
	if _, err := expandReport(append([]byte{}, gzipMagic...)); err == nil {
		t.Error("a truncated gzip row gave no error")
	}
}
