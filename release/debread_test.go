package release

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/blakesmith/ar"
)

// debFile is one member of a .deb's control or data archive.
type debFile struct {
	Name         string
	Mode         int64
	Uname, Gname string
	Dir          bool
	Body         []byte
}

// debContents is a .deb read with Go's own readers: its ar members in
// order, the control archive's files and the data archive's.
type debContents struct {
	Members []string
	Control map[string]string // the control file's fields
	Meta    map[string]debFile
	Data    []debFile
}

func (d debContents) file(name string) (debFile, bool) {
	for _, f := range d.Data {
		if f.Name == name {
			return f, true
		}
	}
	return debFile{}, false
}

func readDeb(t *testing.T, path string) debContents {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := debContents{Control: map[string]string{}, Meta: map[string]debFile{}}
	r := ar.NewReader(f)
	for {
		h, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		name := strings.TrimSuffix(h.Name, "/")
		d.Members = append(d.Members, name)
		body, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		switch name {
		case "control.tar.gz":
			for _, cf := range readTarGz(t, body) {
				d.Meta[strings.TrimPrefix(cf.Name, "/")] = cf
			}
		case "data.tar.gz":
			d.Data = readTarGz(t, body)
		}
	}
	ctl, ok := d.Meta["control"]
	if !ok {
		t.Fatalf("%s has no control file", path)
	}
	var key string
	sc := bufio.NewScanner(bytes.NewReader(ctl.Body))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, " ") {
			d.Control[key] += "\n" + line[1:]
			continue
		}
		k, v, ok := strings.Cut(line, ": ")
		if !ok {
			t.Fatalf("control line %q", line)
		}
		key, d.Control[k] = k, v
	}
	return d
}

func readTarGz(t *testing.T, b []byte) []debFile {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var out []debFile
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, debFile{Name: strings.TrimPrefix(h.Name, "."), Mode: h.Mode, Uname: h.Uname, Gname: h.Gname,
			Dir: h.Typeflag == tar.TypeDir, Body: body})
	}
}

// listing is a data archive's entries as "mode owner name" lines.
func (d debContents) listing() []string {
	var out []string
	for _, f := range d.Data {
		out = append(out, fmt.Sprintf("%04o %s/%s %s", f.Mode, f.Uname, f.Gname, f.Name))
	}
	return out
}
