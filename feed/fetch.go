package feed

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/theupdateframework/go-tuf/v2/metadata"

	"github.com/embargo-dev/embargo/internal/atomicfile"
)

// localURL is the prefix of what a local fetcher serves: a repository
// directory or a bundle, under the same names an HTTP mirror has.
const localURL = "local:///"

// dirFetcher serves a repository directory (a mirror carried on a disk).
type dirFetcher struct{ root string }

func (d dirFetcher) DownloadFile(u string, maxLength int64, _ time.Duration) ([]byte, error) {
	rel, err := localName(u)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(filepath.Join(d.root, filepath.FromSlash(rel)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &metadata.ErrDownloadHTTP{StatusCode: http.StatusNotFound, URL: u}
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readBounded(f, u, maxLength)
}

// localName is the repository-relative name of a local URL: metadata/...
// or targets/..., nothing that climbs out.
func localName(u string) (string, error) {
	rel, ok := strings.CutPrefix(u, localURL)
	if !ok || rel != path.Clean(rel) || strings.HasPrefix(rel, "..") || strings.HasPrefix(rel, "/") ||
		!(strings.HasPrefix(rel, metadataDir+"/") || strings.HasPrefix(rel, targetsDir+"/")) {
		return "", fmt.Errorf("%q is no file of a repository", u)
	}
	return rel, nil
}

// readBounded reads r, refusing more than maxLength bytes.
func readBounded(r io.Reader, name string, maxLength int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxLength+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > maxLength {
		return nil, &metadata.ErrDownloadLengthMismatch{Msg: fmt.Sprintf("%s: more than the %d bytes expected", name, maxLength)}
	}
	return data, nil
}

// bundleFetcher serves a bundle: one tar of a repository's metadata/ and
// targets/, read where each file lies, not loaded whole.
type bundleFetcher struct {
	f     *os.File
	files map[string]section
}

type section struct{ off, size int64 }

// maxBundleEntries bounds a bundle's index.
const maxBundleEntries = 100_000

// openBundle indexes a bundle file.
func openBundle(name string) (*bundleFetcher, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	b := &bundleFetcher{f: f, files: map[string]section{}}
	cr := &countingReader{r: f}
	tr := tar.NewReader(cr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("bundle %s: entry %d: %w", name, len(b.files), err)
		}
		if len(b.files) >= maxBundleEntries {
			f.Close()
			return nil, fmt.Errorf("bundle %s: more than %d entries", name, maxBundleEntries)
		}
		if h.Typeflag == tar.TypeDir {
			continue
		}
		if h.Typeflag != tar.TypeReg {
			f.Close()
			return nil, fmt.Errorf("bundle %s: %q is not a regular file", name, h.Name)
		}
		if _, err := localName(localURL + h.Name); err != nil {
			f.Close()
			return nil, fmt.Errorf("bundle %s: %w", name, err)
		}
		// The data of a regular file follows its header at once.
		b.files[h.Name] = section{off: cr.n, size: h.Size}
	}
	return b, nil
}

func (b *bundleFetcher) DownloadFile(u string, maxLength int64, _ time.Duration) ([]byte, error) {
	rel, err := localName(u)
	if err != nil {
		return nil, err
	}
	s, ok := b.files[rel]
	if !ok {
		return nil, &metadata.ErrDownloadHTTP{StatusCode: http.StatusNotFound, URL: u}
	}
	return readBounded(io.NewSectionReader(b.f, s.off, s.size), u, maxLength)
}

func (b *bundleFetcher) Close() error { return b.f.Close() }

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// Bundle writes the repository in dir as one file out, for an estate
// with no network to the feed: its metadata (every root, so that a
// client follows rotations) and its current targets.
func Bundle(dir, out string) error {
	files := map[string][]byte{}
	for _, sub := range []string{metadataDir, targetsDir} {
		ents, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil {
			return err
		}
		for _, e := range ents {
			if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") {
				continue
			}
			data, err := os.ReadFile(filepath.Join(dir, sub, e.Name()))
			if err != nil {
				return err
			}
			files[sub+"/"+e.Name()] = data
		}
	}
	return writeBundle(out, files)
}

// writeBundle writes files (by their names in a repository) as a bundle:
// a tar in name order, without times, written whole and renamed into
// place.
func writeBundle(out string, files map[string][]byte) error {
	var buf bytes.Buffer
	w := tar.NewWriter(&buf)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		data := files[name]
		if err := w.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg,
			ModTime: time.Unix(0, 0).UTC(), Format: tar.FormatPAX}); err != nil {
			return err
		}
		if _, err := w.Write(data); err != nil {
			return err
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	return atomicfile.Write(out, buf.Bytes(), 0o644)
}
