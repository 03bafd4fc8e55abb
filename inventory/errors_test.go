package inventory

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

type sized struct {
	*strings.Reader
	claim int64
}

func (s sized) Size() int64 { return s.claim }

func TestReadAll(t *testing.T) {
	const doc = "0123456789"
	tests := []struct {
		name   string
		r      interface{ Read([]byte) (int, error) }
		max    int64
		want   string
		tooBig bool
	}{
		{"plain", strings.NewReader(doc), 100, doc, false},
		{"sized", sized{strings.NewReader(doc), 10}, 100, doc, false},
		{"size understated", sized{strings.NewReader(doc), 4}, 100, doc, false},
		{"size overstated", sized{strings.NewReader(doc), 50}, 100, doc, false},
		{"over the limit", strings.NewReader(doc), 9, "", true},
		{"sized over the limit", sized{strings.NewReader(doc), 10}, 9, "", true},
		{"exactly the limit", sized{strings.NewReader(doc), 10}, 10, doc, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadAll(tc.r, tc.max)
			if tc.tooBig {
				if !errors.Is(err, ErrTooLarge) {
					t.Fatalf("err %v, want ErrTooLarge", err)
				}
				return
			}
			if err != nil || !bytes.Equal(got, []byte(tc.want)) {
				t.Errorf("got %q, %v", got, err)
			}
		})
	}
}
