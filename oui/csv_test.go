package oui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
)

const hdr = "Registry,Assignment,Organization Name,Organization Address\r\n"

// A listing that is not what the documentation describes is refused
// whole, with the file and line of what is wrong.
func TestCSVRefused(t *testing.T) {
	tests := []struct {
		name, in string
		line     int
		msg      string
	}{
		{"empty", "", 1, "empty"},
		{"other header", "Registry,Assignment,Organization,Address\r\nMA-L,4447CC,A,B\r\n", 1, `header field 3 is "Organization"`},
		{"oui.txt instead", "OUI/MA-L                                                    Organization\n", 1, "wrong number of fields"},
		{"three fields", hdr + "MA-L,4447CC,A\r\n", 2, "wrong number of fields"},
		{"five fields", hdr + "MA-L,4447CC,A,B,C\r\n", 2, "wrong number of fields"},
		{"unknown registry", hdr + "MA-L,4447CC,A,B\r\nCID,4447CD,A,B\r\n", 3, `registry "CID"`},
		{"short prefix", hdr + "MA-L,4447C,A,B\r\n", 2, "want 6 hexadecimal digits for MA-L"},
		{"MA-L prefix as MA-S", hdr + "MA-S,4447CC,A,B\r\n", 2, "want 9 hexadecimal digits for MA-S"},
		{"long prefix", hdr + "MA-M,4447CC12,A,B\r\n", 2, "want 7 hexadecimal digits"},
		{"not hex", hdr + "MA-L,4447CG,A,B\r\n", 2, `assignment "4447CG"`},
		{"sign", hdr + "MA-L,+447CC,A,B\r\n", 2, "assignment"},
		{"empty organisation", hdr + "MA-L,4447CC, \t ,B\r\n", 2, "organization name: empty"},
		{"control character", hdr + "MA-L,4447CC,A\x01,B\r\n", 2, "organization name: control character U+0001"},
		{"escape in address", hdr + "MA-L,4447CC,A,\x1b[31mB\r\n", 2, "organization address: control character U+001B"},
		{"DEL", hdr + "MA-L,4447CC,A\x7f,B\r\n", 2, "control character U+007F"},
		{"invalid UTF-8", hdr + "MA-L,4447CC,A\xff,B\r\n", 2, "invalid UTF-8"},
		{"long name", hdr + "MA-L,4447CC," + strings.Repeat("x", MaxFieldLen+1) + ",B\r\n", 2, "1025 bytes, over 1024"},
		{"bare quote", hdr + "MA-L,4447CC,Hik\"vision,B\r\n", 2, "bare \" in non-quoted-field"},
		{"unterminated quote", hdr + "MA-L,4447CC,\"A,B\r\nMA-L,4447CD,C,D\r\n", 2, "extraneous or missing \" in quoted-field"},
		{"after an address over three lines", hdr + "MA-L,4447CC,A,\"1\r\n2\r\n3\"\r\nMA-L,44,C,D\r\n", 5, "want 6 hexadecimal digits"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := FromCSV(context.Background(), Source{}, File{"x.csv", strings.NewReader(tc.in)})
			var ie *inventory.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v, want an InputError", err)
			}
			if ie.Source != "x.csv" || ie.Line != tc.line || !strings.Contains(ie.Err.Error(), tc.msg) {
				t.Errorf("error %q (line %d), want line %d and %q", err, ie.Line, tc.line, tc.msg)
			}
		})
	}
}

func TestCSVAccepted(t *testing.T) {
	in := "\uFEFF" + strings.ToLower(hdr) + // a byte-order mark, a header in lower case
		"MA-L,4447CC,\"Hangzhou  Hikvision\r\n Digital\",\r\n" + // folded; no address
		"MA-L,4447CC,Hangzhou Hikvision Digital,again\r\n" // the same organisation again: no Others
	r, err := FromCSV(context.Background(), Source{}, File{"ok.csv", strings.NewReader(in)})
	if err != nil {
		t.Fatal(err)
	}
	a, ok := r.Lookup("44:47:cc:00:00:00")
	if diff := cmp.Diff(Assignment{Prefix: "4447CC", Bits: 24, Registry: MAL, Org: "Hangzhou Hikvision Digital"}, a); diff != "" || !ok {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if r.Len() != 2 {
		t.Errorf("Len %d, want both records", r.Len())
	}
}

func TestCSVNothing(t *testing.T) {
	if _, err := FromCSV(context.Background(), Source{}, File{"h.csv", strings.NewReader(hdr)}); err == nil || !strings.Contains(err.Error(), "no assignment") {
		t.Errorf("a header alone: %v", err)
	}
	if _, err := FromCSV(context.Background(), Source{}); err == nil {
		t.Error("no files: no error")
	}
}

func TestCSVLimits(t *testing.T) {
	big := io.MultiReader(strings.NewReader(hdr), &repeat{line: []byte("MA-L,4447CC,A,B\r\n"), n: MaxCSVSize})
	_, err := FromCSV(context.Background(), Source{}, File{"big.csv", big})
	var ie *inventory.InputError
	if !errors.As(err, &ie) || ie.Source != "big.csv" || !errors.Is(err, inventory.ErrTooLarge) {
		t.Errorf("a listing over MaxCSVSize: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var b bytes.Buffer
	b.WriteString(hdr)
	for i := range 10000 {
		fmt.Fprintf(&b, "MA-L,%06X,A,B\r\n", i*4)
	}
	if _, err := FromCSV(ctx, Source{}, File{"many.csv", &b}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// repeat yields line over and over, n bytes in all.
type repeat struct {
	line []byte
	n    int
	at   int
}

func (r *repeat) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	k := 0
	for k < len(p) && r.n > 0 {
		c := copy(p[k:min(len(p), k+r.n)], r.line[r.at:])
		k, r.n, r.at = k+c, r.n-c, (r.at+c)%len(r.line)
	}
	return k, nil
}

func TestIsCSV(t *testing.T) {
	tests := map[string]bool{
		hdr + "MA-L,4447CC,A,B\r\n": true,
		"\uFEFF" + hdr:              true,
		"registry,assignment,organization name,organization address": true,
		"Registry,Assignment,Organization Name\n":                    false,
		"# ip2asn\n1.0.0.0\t1.0.0.255\t13335\tUS\tCF\n":              false,
		"": false,
	}
	for in, want := range tests {
		if got := IsCSV([]byte(in)); got != want {
			t.Errorf("IsCSV(%.30q) = %v", in, got)
		}
	}
}
