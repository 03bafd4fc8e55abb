package eve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/embargo-dev/embargo/egress"
	"github.com/embargo-dev/embargo/egress/egresstest"
)

// FuzzRead: any input is read to its end without a panic; every Bad names
// the input and a line, and every Flow has both endpoints.
func FuzzRead(f *testing.F) {
	if data, err := os.ReadFile("testdata/eve.json"); err == nil {
		for _, line := range bytes.Split(data, []byte{'\n'}) {
			f.Add(line)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"event_type":"dns","dns":{"type":"answer","grouped":{"A":["1.2.3.4",7]}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		// The scanner accepts what encoding/json calls valid, at any depth.
		if line := bytes.TrimSpace(data); json.Valid(line) && len(line) > 0 && line[0] == '{' && bytes.IndexByte(line, '\n') < 0 {
			if err := walk(openMembers(line), 0); err != nil {
				t.Fatalf("valid JSON %q: %v", line, err)
			}
		}
		var s egresstest.Sink
		r := Reader{Limits: egress.Limits{MaxLine: 4096, MaxBad: 5}}
		if err := r.Read(context.Background(), "fuzz.json", bytes.NewReader(data), &s); err != nil {
			t.Fatalf("Read: %v", err)
		}
		egresstest.CheckRead(t, "fuzz.json", &s, 5)
	})
}

// walk goes through every member at every depth, as a check of the
// scanner.
func walk(m members, depth int) error {
	for _, v, ok := m.next(); ok; _, v, ok = m.next() {
		if v.k == kObj || v.k == kArr {
			if err := walk(membersOf(v), depth+1); err != nil {
				return err
			}
		}
	}
	switch {
	case m.err != nil:
		return m.err
	case !m.ended:
		return errors.New("no end")
	case depth == 0 && len(skipSpace(m.rest)) > 0 || depth > 0 && len(m.rest) > 0:
		return errors.New("data after the end")
	}
	return nil
}
