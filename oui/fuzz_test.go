package oui

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
)

var fuzzMACs = []string{
	"44:47:cc:00:00:01", "00:1b:c5:0b:70:01", "70:b3:d5:f2:f0:00", "00:50:c2:7d:50:00", "18:d7:93:60:00:01",
	"08:00:30:00:00:01", "00:00:00:00:00:00", "fc:ff:ff:ff:ff:ff", "10:34:56:ab:c0:00",
}

// checkRegistry: an accepted registry answers every lookup, writes a
// file Load accepts, and that file holds the same assignments.
func checkRegistry(t *testing.T, r *Registry) {
	var b bytes.Buffer
	if err := r.Write(&b); err != nil {
		t.Fatal(err)
	}
	again, err := Load(&b)
	if err != nil {
		t.Fatalf("Load of a written registry: %v", err)
	}
	for _, m := range fuzzMACs {
		x, okx := r.Lookup(m)
		y, oky := again.Lookup(m)
		if okx != oky || !cmp.Equal(x, y) {
			t.Fatalf("Lookup(%s) = %+v, after Write and Load %+v", m, x, y)
		}
		if okx && (x.Org == "" || len(x.Prefix) != x.Bits/4) {
			t.Fatalf("Lookup(%s) = %+v", m, x)
		}
	}
	all := slices.Collect(r.All())
	if len(all) != r.Len() || !cmp.Equal(all, slices.Collect(again.All())) {
		t.Fatalf("All: %d assignments, Len %d, or they differ after Write and Load", len(all), r.Len())
	}
	// Every assignment is found at its own first address, unless its
	// block is the IEEE RA's, it is a group or local one, or a longer
	// one covers that address.
	for _, a := range all {
		mac := a.Prefix + "000000000"[:12-len(a.Prefix)]
		got, ok := r.Lookup(mac)
		if ok && got.Bits < a.Bits {
			t.Fatalf("Lookup(%s) = %+v, shorter than %+v", mac, got, a)
		}
	}
}

func FuzzLoad(f *testing.F) {
	r := excerptRegistry(f)
	var b bytes.Buffer
	r.Write(&b)
	f.Add(b.Bytes())
	f.Add(b.Bytes()[:100])
	f.Add(wrap(validSpec().body()))
	f.Add([]byte(magic))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Load(bytes.NewReader(data))
		if err != nil {
			return
		}
		checkRegistry(t, r)
	})
}

// FuzzLoadBody skips the gzip layer, which would otherwise refuse nearly
// every mutation before the body's parser sees it.
func FuzzLoadBody(f *testing.F) {
	f.Add(validSpec().body())
	s := validSpec()
	s.lists[3] = [][2]uint64{{0x0050C27D5, 1}, {0, 0}}
	f.Add(s.body())
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := Load(bytes.NewReader(wrap(body)))
		if err != nil {
			return
		}
		checkRegistry(t, r)
	})
}

// FuzzCSV: any listing gives a registry or an InputError naming the file
// and a line within it, never a panic.
func FuzzCSV(f *testing.F) {
	for _, file := range excerptFiles(f) {
		b, _ := readAllBytes(file)
		f.Add(b)
	}
	f.Add([]byte(hdr + "MA-S,103456ABC,Small Co,\nma-l,103456,Large Co,x\nMA-L,080030,A,\nMA-L,080030,B,\"1\n2\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := FromCSV(context.Background(), Source{Name: "fuzz"}, File{"fuzz.csv", bytes.NewReader(data)})
		if err != nil {
			var ie *inventory.InputError
			if errors.As(err, &ie) {
				if ie.Source != "fuzz.csv" || ie.Line < 1 || ie.Line > bytes.Count(data, []byte("\n"))+1 {
					t.Fatalf("error %v: line %d of %d", err, ie.Line, bytes.Count(data, []byte("\n"))+1)
				}
			} else if err.Error() != "oui: the listings hold no assignment" {
				t.Fatalf("error %v is not an InputError naming the input", err)
			}
			return
		}
		if r.Len() == 0 || r.Len() > bytes.Count(data, []byte("\n"))+1 {
			t.Fatalf("%d assignments from %d lines", r.Len(), bytes.Count(data, []byte("\n"))+1)
		}
		checkRegistry(t, r)
	})
}

func readAllBytes(f File) ([]byte, error) {
	var b bytes.Buffer
	_, err := b.ReadFrom(f.R)
	return b.Bytes(), err
}
