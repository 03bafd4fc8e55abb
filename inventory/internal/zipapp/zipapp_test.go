package zipapp

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/inventory"
)

func archive(t *testing.T, names ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		if _, err := zw.Create(n); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSniff(t *testing.T) {
	payload := func(n string) bool { return strings.HasPrefix(n, "Payload/") }
	for _, c := range []struct {
		name string
		head []byte
		want bool
	}{
		{"a.IPA", archive(t, "x"), true},
		{"a.zip", archive(t, "META-INF/", "Payload/A.app/Info.plist"), true},
		{"a.zip", archive(t, "META-INF/", "x/Payload/"), false},
		{"a.ipa", []byte("\x1f\x8b\x08"), false},
		{"a.zip", archive(t, "Payload/A.app/Info.plist")[:31], false}, // the entry's name is cut short
		{"a.zip", nil, false},
	} {
		if got := Sniff(c.name, c.head, ".ipa", payload); got != c.want {
			t.Errorf("Sniff(%q, %q) = %v, want %v", c.name, c.head, got, c.want)
		}
	}
}

func TestRead(t *testing.T) {
	data := archive(t, "a", "b")
	var got []string
	read := func(_ context.Context, name string, ra io.ReaderAt, size int64, _ inventory.Limits, filePath string) ([]inventory.Item, []inventory.Unknown, error) {
		zr, err := zip.NewReader(ra, size)
		if err != nil {
			return nil, nil, err
		}
		got = append(got, name, filePath)
		for _, f := range zr.File {
			got = append(got, f.Name)
		}
		return nil, nil, nil
	}
	if _, _, err := Read(context.Background(), "x.ipa", bytes.NewReader(data), inventory.DefaultLimits, read); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != "x.ipa x.ipa a b" {
		t.Errorf("read %q", got)
	}
	lim := inventory.DefaultLimits
	lim.MaxBytes = 10
	_, _, err := Read(context.Background(), "x.ipa", bytes.NewReader(data), lim, read)
	var ie *inventory.InputError
	if !errors.As(err, &ie) || ie.Source != "x.ipa" || !errors.Is(err, inventory.ErrTooLarge) {
		t.Errorf("over MaxBytes: %v", err)
	}
}
