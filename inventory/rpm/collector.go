package rpm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"github.com/embargo-dev/embargo/inventory"
)

// Collector reads the rpm databases of a target.
type Collector struct{}

// Name implements inventory.Collector.
func (Collector) Name() string { return "rpm" }

// Tags implements inventory.Collector.
func (Collector) Tags() []string { return []string{"linux", "package", "rpm"} }

// Requirements implements inventory.Collector: files only.
func (Collector) Requirements() inventory.Requirements { return inventory.Requirements{} }

// Wants implements inventory.Collector: the database file of each format
// in the classic and the /usr locations (where /var/lib/rpm is often a
// symbolic link, which the walk does not follow: one copy is read).
func (Collector) Wants(p string) bool {
	switch p {
	case "var/lib/rpm/Packages", "var/lib/rpm/Packages.db", "var/lib/rpm/rpmdb.sqlite",
		"usr/lib/sysimage/rpm/Packages", "usr/lib/sysimage/rpm/Packages.db", "usr/lib/sysimage/rpm/rpmdb.sqlite":
		return true
	}
	return false
}

// Collect implements inventory.Collector. go-rpmdb opens databases by
// path, and a target is a file system that may not be the local one (an
// image's layers) or must not be escaped by a symbolic link swapped in
// meanwhile: the database is copied through t.FS to a private temporary
// folder first, with SQLite's write-ahead log, which holds the latest
// changes until a checkpoint.
func (Collector) Collect(ctx context.Context, t *inventory.Target, f inventory.TargetFile, lim inventory.Limits) ([]inventory.Item, []inventory.Unknown, error) {
	dir, err := os.MkdirTemp("", "embargo-rpmdb-")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(dir)
	base := path.Base(f.Path)
	local := filepath.Join(dir, base)
	budget := lim.MaxBytes
	n, err := copyOut(t.FS, f.Path, local, budget)
	if err != nil {
		return nil, nil, err
	}
	if base == "rpmdb.sqlite" {
		_, err := copyOut(t.FS, f.Path+"-wal", local+"-wal", budget-n)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, nil, err
		}
	}
	inv, err := ReadFile(ctx, t.Display(f.Path), local, lim)
	if err != nil {
		return nil, nil, err
	}
	return inv.Items, inv.Unknowns, nil
}

// copyOut copies a regular file of fsys to a new local file, failing
// past max bytes.
func copyOut(fsys fs.FS, name, dst string, max int64) (int64, error) {
	src, err := fsys.Open(name)
	if err != nil {
		return 0, err
	}
	defer src.Close()
	if fi, err := src.Stat(); err != nil {
		return 0, err
	} else if !fi.Mode().IsRegular() {
		return 0, fmt.Errorf("%s: not a regular file", name)
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(out, inventory.LimitReader(src, max))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, fmt.Errorf("copying %s: %w", name, err)
	}
	return n, nil
}
