// Package rpm reads RPM package databases in their three storage formats:
// Berkeley DB (Packages, up to RHEL 8 and SLES 15.2), NDB (Packages.db,
// SUSE) and SQLite (rpmdb.sqlite, Fedora 33+, RHEL 9, Mariner), in
// var/lib/rpm or usr/lib/sysimage/rpm.
//
// The packages are read by github.com/knqyf263/go-rpmdb, a pure-Go
// reader. It trusts the file: it walks Berkeley DB and NDB pages in
// goroutines of its own, where a panic ends the process, follows overflow
// chains as the file says, for ever if they loop, and counts a header's
// strings for up to 2^32 rounds. So each database is first walked here
// along the same path with every bound checked (guard.go), each package
// header checked by rpm's own rules (header.go), and only a database that
// passes is handed to go-rpmdb, whose list must then hold exactly the
// headers the walk counted. Should go-rpmdb still reject a header, one of
// its goroutines stays blocked for good, as it offers no way to stop it:
// a small cost, once per corrupt database.
package rpm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	rpmdb "github.com/knqyf263/go-rpmdb/pkg"

	"github.com/embargo-dev/embargo/inventory"
)

// ReadFile reads the rpm database at path and names it name in output.
// The file must be a private copy, as Collect makes: nothing else may
// change it while it is read, and SQLite may write to it (recovering a
// write-ahead log, checkpointing).
func ReadFile(ctx context.Context, name, path string, lim inventory.Limits) (*inventory.Inventory, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.Size() > lim.MaxBytes {
		return nil, &inventory.InputError{Source: name, Offset: -1, Err: fmt.Errorf("%w (%d bytes)", inventory.ErrTooLarge, lim.MaxBytes)}
	}
	form, urls, count, err := check(ctx, f, fi.Size(), path, lim)
	if err != nil {
		return nil, inputError(name, err)
	}
	f.Close()
	pkgs, err := list(path)
	if err != nil {
		return nil, &inventory.InputError{Source: name, Offset: -1, Err: fmt.Errorf("go-rpmdb: %w", err)}
	}
	if len(pkgs) != count {
		return nil, &inventory.InputError{Source: name, Offset: -1, Err: fmt.Errorf("go-rpmdb listed %d packages of the %d headers in the %s database", len(pkgs), count, form)}
	}
	inv := &inventory.Inventory{Source: name, Format: "rpm database (" + form.String() + ")"}
	for _, p := range pkgs {
		it := item(name, p, urls[key(p.Name, p.Version, p.Release, p.Arch)])
		why := inventory.CheckItem(&it, lim)
		if p.Name == "" {
			why = "package header without a name"
		}
		if why != "" {
			inv.Unknowns = append(inv.Unknowns, inventory.Unknown{Location: it.Location, Name: inventory.Clip(p.Name), Reason: why})
			continue
		}
		it.Index = len(inv.Items)
		inv.Items = append(inv.Items, it)
	}
	return inv, nil
}

// check walks the database and returns its format, the URL of each
// package (which go-rpmdb does not read) and the number of headers.
func check(ctx context.Context, f io.ReaderAt, size int64, path string, lim inventory.Limits) (format, map[string]string, int, error) {
	head := make([]byte, 32)
	if n, _ := f.ReadAt(head, 0); n < len(sqliteMagic) {
		return 0, nil, 0, &posError{0, fmt.Errorf("file of %d bytes is too short for an rpm database", size)}
	}
	urls := map[string]string{}
	count := 0
	total := int64(0)
	emit := func(off int64, blob []byte) error {
		if count%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		count++
		if count > lim.MaxItems {
			return &posError{off, fmt.Errorf("more than %d packages (the item limit)", lim.MaxItems)}
		}
		// Each byte of a database holds at most one header. Without this
		// bound, slots or hash entries that all point at one large blob
		// would make the work grow with their product.
		total += int64(len(blob))
		if total > size {
			return &posError{off, fmt.Errorf("package headers add up to more than the file's %d bytes: they share storage", size)}
		}
		h, err := parseHeader(blob)
		if err != nil {
			return &posError{off, err}
		}
		if u := h.str(tagURL); u != "" {
			urls[key(h.str(tagName), h.str(tagVersion), h.str(tagRelease), h.str(tagArch))] = u
		}
		return nil
	}
	var err error
	form := sniff(head)
	switch form {
	case formatSQLite:
		err = walkSQLite(ctx, path, emit)
	case formatNDB:
		err = walkNDB(f, size, emit)
	default:
		err = walkBDB(f, size, emit)
	}
	return form, urls, count, err
}

// list runs go-rpmdb. A panic here, in the caller's goroutine (header
// parsing), is recovered; the walk has made those in its own impossible.
func list(path string) (pkgs []*rpmdb.PackageInfo, err error) {
	defer func() {
		if p := recover(); p != nil {
			pkgs, err = nil, fmt.Errorf("failed: %v", p)
		}
	}()
	db, err := rpmdb.Open(path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return db.ListPackages()
}

func item(source string, p *rpmdb.PackageInfo, url string) inventory.Item {
	version := p.Version + "-" + p.Release
	if p.Epoch != nil {
		version = strconv.Itoa(*p.Epoch) + ":" + version
	}
	it := inventory.Item{
		Type:      inventory.Package,
		Ecosystem: "rpm",
		Name:      p.Name,
		Version:   version,
		Location:  inventory.Location{Source: source, Ref: p.Name + "-" + version + "." + p.Arch, Reader: "rpm"},
	}
	it.Add(inventory.Supplier, p.Vendor)
	it.Add(inventory.URL, url)
	return it
}

// inputError names the database and, for a fault in its structure, the
// byte offset.
func inputError(name string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	ie := &inventory.InputError{Source: name, Offset: -1, Err: err}
	if pe, ok := err.(*posError); ok && pe.off >= 0 {
		ie.Offset, ie.Err = pe.off, pe.err
	}
	return ie
}
