package input

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func write(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func gz(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// What an opened input gives its reader: the first bytes, the whole
// content from its start, and for a regular file read as it is the file
// and its size.
func TestOpen(t *testing.T) {
	content := []byte(strings.Repeat("#fields\tts\tuid\n", 100))
	type got struct {
		Head       string
		Content    string
		File       bool
		Size       int64
		SizedR     bool
		Compressed bool
	}
	for _, tc := range []struct {
		name  string
		input func(t *testing.T) (string, io.Reader)
		want  got
	}{
		{"regular file", func(t *testing.T) (string, io.Reader) { return write(t, "conn.log", content), nil },
			got{string(content[:64]), string(content), true, int64(len(content)), true, false}},
		{"gzip file", func(t *testing.T) (string, io.Reader) { return write(t, "conn.log.gz", gz(t, content)), nil },
			got{string(content[:64]), string(content), false, -1, false, true}},
		{"standard input", func(t *testing.T) (string, io.Reader) { return "-", bytes.NewReader(content) },
			got{string(content[:64]), string(content), false, -1, false, false}},
		{"gzip on standard input", func(t *testing.T) (string, io.Reader) { return "-", bytes.NewReader(gz(t, content)) },
			got{string(content[:64]), string(content), false, -1, false, true}},
		{"shorter than the head", func(t *testing.T) (string, io.Reader) { return write(t, "short", []byte("ab")), nil },
			got{"ab", "ab", true, 2, true, false}},
		{"empty", func(t *testing.T) (string, io.Reader) { return write(t, "empty", nil), nil },
			got{"", "", true, 0, true, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name, stdin := tc.input(t)
			in, err := Open(name, Options{HeadSize: 64, MaxDecompressed: 1 << 20, Stdin: stdin})
			if err != nil {
				t.Fatal(err)
			}
			defer in.Close()
			data, err := io.ReadAll(in.R)
			if err != nil {
				t.Fatal(err)
			}
			_, sized := in.R.(interface{ Size() int64 })
			g := got{string(in.Head), string(data), in.File != nil, in.Size, sized, in.Compressed}
			if diff := cmp.Diff(tc.want, g); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// What cannot be opened is an error naming the input.
func TestOpenRefused(t *testing.T) {
	bomb := write(t, "bomb.gz", gz(t, make([]byte, 1<<20)))
	for _, tc := range []struct {
		name, input string
		is          error
		says        string
	}{
		{"directory", t.TempDir(), ErrIsDir, "is a directory"},
		{"missing", filepath.Join(t.TempDir(), "missing.log"), fs.ErrNotExist, "missing.log"},
		{"broken gzip", write(t, "broken.gz", []byte{0x1f, 0x8b, 0, 0}), nil, "broken.gz: gzip"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, err := Open(tc.input, Options{HeadSize: 64, MaxDecompressed: 1 << 10})
			if err == nil {
				in.Close()
				t.Fatal("opened")
			}
			if tc.is != nil && !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.says) {
				t.Errorf("error %q, want %v saying %q", err, tc.is, tc.says)
			}
		})
	}
	// A decompression bomb is an error once past the bound, not a full
	// read of it.
	in, err := Open(bomb, Options{HeadSize: 64, MaxDecompressed: 1 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	n, err := io.Copy(io.Discard, in.R)
	if err == nil || !strings.Contains(err.Error(), "bomb.gz: decompresses to more than 1024 bytes") || n > 1<<10 {
		t.Errorf("read %d bytes, error %v", n, err)
	}
	// A gzip stream cut short is an error naming the input when read.
	var log strings.Builder
	for i := range 20000 {
		fmt.Fprintf(&log, "%d\t10.0.%d.%d\n", i*7919, i%256, i*31%256)
	}
	whole := gz(t, []byte(log.String()))
	cut, err := Open(write(t, "cut.gz", whole[:len(whole)/2]), Options{HeadSize: 64, MaxDecompressed: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer cut.Close()
	if _, err := io.Copy(io.Discard, cut.R); err == nil || !strings.HasSuffix(err.Error(), "cut.gz: gzip: unexpected EOF") || strings.Count(err.Error(), "cut.gz") != 1 {
		t.Errorf("a cut gzip stream read: %v", err)
	}
	// Exactly at the bound is no bomb.
	at, err := Open(write(t, "exact.gz", gz(t, make([]byte, 1<<10))), Options{HeadSize: 64, MaxDecompressed: 1 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer at.Close()
	if n, err := io.Copy(io.Discard, at.R); err != nil || n != 1<<10 {
		t.Errorf("exactly at the bound: %d bytes, %v", n, err)
	}
}

type format struct {
	name   string
	prefix string
}

func (f format) Name() string { return f.name }
func (f format) Sniff(name string, head []byte) bool {
	return bytes.HasPrefix(head, []byte(f.prefix)) || strings.HasSuffix(name, "."+f.name)
}

// Choose takes the first format that recognises the input by its name or
// first bytes, or the one forced.
func TestChoose(t *testing.T) {
	formats := []format{{"zeek", "#separator"}, {"eve", "{"}}
	for _, tc := range []struct {
		name, head, forced string
		want               string
		ok                 bool
	}{
		{"conn.log", "#separator \\x09", "", "zeek", true},
		{"eve.json", `{"event_type":"flow"}`, "", "eve", true},
		{"x.eve", "garbage", "", "eve", true},
		{"x", "garbage", "", "", false},
		{"x", "#separator", "eve", "eve", true},
		{"x", "#separator", "pcap", "", false},
	} {
		in := &Input{Name: tc.name, Head: []byte(tc.head)}
		f, ok := Choose(formats, in, tc.forced)
		if f.name != tc.want || ok != tc.ok {
			t.Errorf("Choose(%s, %q, forced %q) = %q %v, want %q %v", tc.name, tc.head, tc.forced, f.name, ok, tc.want, tc.ok)
		}
	}
	if diff := cmp.Diff([]string{"zeek", "eve"}, Names(formats)); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
}
