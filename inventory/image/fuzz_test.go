package image

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"io/fs"
	"strings"
	"testing"
)

// FuzzOpen reads arbitrary bytes as an image tarball: open, unpack every
// image with every file wanted, walk the file system and read every file.
// Nothing may panic, hang or escape; errors are fine.
func FuzzOpen(f *testing.F) {
	layers := [][]byte{
		tarBytes(f, []member{folder("./"), regular("./etc/a", "a"), symlink("./bin", "usr/bin"), hardlink("./h", "./etc/a"), regular("./var/lib/dpkg/status", "Package: kesl\n")}),
		tarBytes(f, []member{regular("etc/.wh.a", ""), regular("opt/.wh..wh..opq", ""), regular("bin/x", "x"), symlink("up", "../..")}),
	}
	f.Add(dockerSave(f, "fuzz:1", layers))
	f.Add(ociLayout(f, "1", layers, true, false, ""))
	f.Add(ociLayout(f, "1", layers, false, true, "dir/"))
	f.Add(gzipBytes(f, dockerSave(f, "fuzz:1", layers[:1])))
	lim := Limits{
		MaxArchiveEntries: 1000, MaxImages: 8, MaxLayers: 16, MaxEntries: 10_000,
		MaxUnpacked: 4 << 20, MaxMetadata: 64 << 10, MaxPath: 1024, MaxKeep: 1 << 20, MaxKeepFile: 256 << 10,
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sniff(bytes.NewReader(data), int64(len(data)))
		a, err := OpenReader("fuzz.tar", bytes.NewReader(data), int64(len(data)), lim)
		if err != nil {
			return
		}
		defer a.Close()
		for _, im := range a.Images() {
			fsys, _, err := a.Unpack(context.Background(), im, func(string) bool { return true })
			if err != nil {
				continue
			}
			_ = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return nil
				}
				if fh, err := fsys.Open(p); err == nil {
					_, _ = io.Copy(io.Discard, io.LimitReader(fh, 1<<20))
					fh.Close()
				}
				_, _ = fs.ReadLink(fsys, p)
				return nil
			})
		}
	})
}

// FuzzLayers builds well-formed tarballs from fuzzed entries — so that
// the fuzzer explores whiteouts, links and names rather than tar
// checksums — and checks that every file of the result reads back as
// many bytes as its size says. Each line of the input is one entry: its
// first byte chooses the kind (file, folder, symbolic link, hard link,
// next layer), the rest is "name" or "name=link target".
func FuzzLayers(f *testing.F) {
	f.Add([]byte("fa/b\ndc\nsbin=usr/bin\nfusr/bin/x\nha/h=a/b\n-\nfa/.wh.b\nfbin/y\nfc/.wh..wh..opq\nsup=../..\nsabs=/usr"))
	f.Add([]byte("sl1=l2\nsl2=l1\nfl1/x\n-\nh../x=a\nf/abs\nfx/../../y"))
	lim := DefaultLimits
	lim.MaxEntries = 2000
	f.Fuzz(func(t *testing.T, data []byte) {
		var layers [][]byte
		var ms []member
		for i, line := range bytes.Split(data, []byte("\n")) {
			if len(line) == 0 || i > 400 {
				continue
			}
			name, link, _ := bytes.Cut(line[1:], []byte("="))
			switch line[0] % 5 {
			case 0:
				ms = append(ms, regular(string(name), string(link)))
			case 1:
				ms = append(ms, folder(string(name)))
			case 2:
				ms = append(ms, symlink(string(name), string(link)))
			case 3:
				ms = append(ms, hardlink(string(name), string(link)))
			case 4:
				layers = append(layers, tarBytesLenient(ms))
				ms = nil
			}
		}
		layers = append(layers, tarBytesLenient(ms))
		tb := dockerSave(t, "fuzz:1", layers)
		a, err := OpenReader("fuzz.tar", bytes.NewReader(tb), int64(len(tb)), lim)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		fsys, _, err := a.Unpack(context.Background(), a.Images()[0], func(p string) bool { return len(p)%2 == 0 })
		if err != nil {
			t.Fatal(err)
		}
		err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if strings.HasPrefix(p, "/") || strings.Contains("/"+p+"/", "/../") {
				t.Errorf("name %q in the file system", p)
			}
			if !d.Type().IsRegular() || !fs.ValidPath(p) {
				return nil // a name that is not UTF-8 cannot be opened, as in os.DirFS
			}
			fi, err := d.Info()
			if err != nil {
				t.Fatal(err)
			}
			b, err := fs.ReadFile(fsys, p)
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			if int64(len(b)) != fi.Size() {
				t.Errorf("%s: read %d bytes, size %d", p, len(b), fi.Size())
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// tarBytesLenient writes what archive/tar accepts and drops the rest.
func tarBytesLenient(ms []member) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, m := range ms {
		hdr := &tar.Header{Name: m.name, Typeflag: m.typ, Linkname: m.link, Mode: m.mode, Size: int64(len(m.body)), Format: tar.FormatPAX}
		if m.typ != tar.TypeReg {
			hdr.Size = 0
		}
		if tw.WriteHeader(hdr) != nil {
			continue
		}
		if m.typ == tar.TypeReg {
			tw.Write([]byte(m.body))
		}
	}
	tw.Close()
	return buf.Bytes()
}
