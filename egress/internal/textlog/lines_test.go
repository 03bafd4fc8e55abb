package textlog

import (
	"bytes"
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/egress"
	"github.com/embargo-dev/embargo/egress/egresstest"
	"github.com/embargo-dev/embargo/input"
)

// seen is what Each passed on: every line with its position, and the bad
// lines.
type seen struct {
	Lines []string
	Sink  egresstest.Sink
}

func eachOf(t testing.TB, r interface{ Read([]byte) (int, error) }, max int) *seen {
	var s seen
	bad := Bads{Sink: &s.Sink, Max: 1 << 20}
	err := Each(context.Background(), "test", "in", r, egress.Limits{MaxLine: max, MaxBad: 1 << 20}, &bad,
		func(b []byte, where egress.Location) string {
			s.Lines = append(s.Lines, where.String()+" "+string(b))
			if bytes.HasPrefix(b, []byte("bad")) {
				return "a bad line"
			}
			return ""
		})
	if err != nil {
		t.Fatal(err)
	}
	bad.Finish()
	return &s
}

// cuts splits data into segments at the given fractions of its length.
func cuts(data []byte, at ...float64) [][]byte {
	var segs [][]byte
	prev := 0
	for _, f := range at {
		i := max(prev, int(f*float64(len(data))))
		segs = append(segs, data[prev:i])
		prev = i
	}
	return append(segs, data[prev:])
}

// A mapped input, in one piece or cut anywhere, gives the same lines,
// positions and bad lines as the same input read through a LineReader.
func TestMappedAgrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct {
		name string
		data string
	}{
		{"empty", ""},
		{"one line", "a\n"},
		{"no newline at the end", "a\nbad b"},
		{"CRLF", "a\r\nb\r\n\r\nbad\r\n"},
		{"a lone CR at the end", "a\r"},
		{"long lines", "short\n" + strings.Repeat("x", 40) + "\nshort\n" + strings.Repeat("y", 33) + "\r\n" + strings.Repeat("z", 80)},
		{"empty lines", "\n\n\nbad\n\n"},
		{"a line of the limit and a CR, no newline", strings.Repeat("0", 32) + "\r"},
		{"a line over the limit and a CR, no newline", strings.Repeat("0", 33) + "\r"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := eachOf(t, strings.NewReader(tc.data), 32)
			for range 50 {
				segs := cuts([]byte(tc.data), rng.Float64(), rng.Float64())
				got := eachOf(t, input.NewMapped(segs...), 32)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Fatalf("cut into %q (-reader +mapped):\n%s", segs, diff)
				}
			}
		})
	}
}

// FuzzMapped: any input, cut anywhere, reads the same mapped as through a
// LineReader.
func FuzzMapped(f *testing.F) {
	f.Add([]byte("a\r\nbad\n"+strings.Repeat("x", 40)+"\nlast"), uint16(3), uint16(9))
	f.Fuzz(func(t *testing.T, data []byte, a, b uint16) {
		i, j := int(a)%(len(data)+1), int(b)%(len(data)+1)
		i, j = min(i, j), max(i, j)
		want := eachOf(t, bytes.NewReader(data), 32)
		got := eachOf(t, input.NewMapped(data[:i], data[i:j], data[j:]), 32)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("(-reader +mapped):\n%s", diff)
		}
	})
}
