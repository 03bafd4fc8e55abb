package feed

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// The feed's targets: the catalogue and the packs are each a tar of YAML
// files, made the same way from the same files every time (names sorted,
// no times, owners or modes beyond 0644), so that their digests say what
// they hold.
const (
	CatalogTarget = "catalog.tar"
	PacksTarget   = "packs.tar"
	IPDataTarget  = "ipdata.bin"
)

// Limits of a YAML tar: its files, and each file.
const (
	maxTarFiles = 4096
	maxTarFile  = 16 << 20
)

// PackDir is the tar of the *.yaml files at the top of dir.
func PackDir(dir string) ([]byte, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: no *.yaml files", dir)
	}
	sort.Strings(names)
	var b bytes.Buffer
	w := tar.NewWriter(&b)
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			return nil, err
		}
		if err := w.WriteHeader(&tar.Header{Name: filepath.Base(n), Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg,
			ModTime: time.Unix(0, 0).UTC(), Format: tar.FormatPAX}); err != nil {
			return nil, err
		}
		if _, err := w.Write(data); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Unpack writes the YAML files of a tar made by PackDir into dir,
// refusing anything else: a name with a path, a file that is not
// regular, a name that is not *.yaml, more files or bytes than the
// limits.
func Unpack(data []byte, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	r := tar.NewReader(bytes.NewReader(data))
	seen := map[string]bool{}
	for n := 0; ; n++ {
		h, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("entry %d: %w", n, err)
		}
		switch {
		case n >= maxTarFiles:
			return fmt.Errorf("more than %d files", maxTarFiles)
		case h.Typeflag != tar.TypeReg:
			return fmt.Errorf("entry %d (%q): not a regular file", n, h.Name)
		case h.Name != path.Base(h.Name) || strings.ContainsAny(h.Name, `/\`) || !strings.HasSuffix(h.Name, ".yaml") || h.Name[0] == '.':
			return fmt.Errorf("entry %d (%q): want a *.yaml file name without a path", n, h.Name)
		case h.Size < 0 || h.Size > maxTarFile:
			return fmt.Errorf("entry %d (%q): %d bytes, over %d", n, h.Name, h.Size, maxTarFile)
		case seen[h.Name]:
			return fmt.Errorf("entry %d (%q): named twice", n, h.Name)
		}
		seen[h.Name] = true
		body, err := io.ReadAll(io.LimitReader(r, maxTarFile+1))
		if err != nil {
			return fmt.Errorf("entry %d (%q): %w", n, h.Name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, h.Name), body, 0o644); err != nil {
			return err
		}
	}
	if len(seen) == 0 {
		return errors.New("no files")
	}
	return nil
}
