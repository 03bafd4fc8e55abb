package vpcflow

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/embargo-dev/embargo/egress"
	"github.com/embargo-dev/embargo/egress/egresstest"
)

// FuzzRead: any input, compressed or not, is read without a panic, or
// refused with an error; every Bad names the input and a line, and every
// Flow has both endpoints.
func FuzzRead(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.log")
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			continue
		}
		f.Add(data)
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		zw.Write(data)
		zw.Close()
		f.Add(z.Bytes())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var s egresstest.Sink
		r := Reader{Limits: egress.Limits{MaxLine: 1024, MaxBad: 5}, MaxDecompressed: 1 << 20, Counts: &Counts{}}
		if err := r.Read(context.Background(), "fuzz.log", bytes.NewReader(data), &s); err != nil {
			return // not a flow log, or too big: refused as a whole
		}
		egresstest.CheckRead(t, "fuzz.log", &s, 5)
		(Reader{}).Sniff("fuzz.log", data)
	})
}
