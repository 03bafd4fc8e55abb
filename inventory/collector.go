package inventory

import (
	"context"
	"errors"
	"io"
	"io/fs"
)

// Target is what a host scan walks: a live root, a mounted volume, or an
// unpacked container image, seen through a file system that cannot be
// escaped by symbolic links.
type Target struct {
	Name  string // as the user named it
	FS    fs.FS  // rooted at the target
	Live  bool   // the running system's own root
	Image bool   // a container image
	Host  string // host name items are recorded against
}

// TargetFile is one regular file of a target that a collector asked for.
type TargetFile struct {
	Path string // slash-separated, relative to the target root
	Size int64
}

// Requirements say where a collector applies; the runner skips it
// elsewhere without an error.
type Requirements struct {
	LiveOnly   bool // reads the running system (a live registry, say)
	NotInImage bool // meaningless inside a container image
	// OnRequest collectors run only when --select names them: pe-all
	// opens every file of the target.
	OnRequest bool
	// OS, when set, is the only operating system Embargo must be running
	// on for the collector to work (the live Windows registry).
	OS string
}

// Collector finds items in the files of a target. One walk of the target
// offers every file to every collector's Wants, a cheap test of the path
// alone; Collect then reads the files it wanted.
type Collector interface {
	// Name is the collector's short name, for --select and output.
	Name() string
	// Tags group collectors for --select (windows, linux, macos, package,
	// signer, browser, service, ...).
	Tags() []string
	Requirements() Requirements
	// Wants reports whether the collector reads the file at path
	// (slash-separated, relative to the target, original case). It must
	// not do I/O or use regular expressions: it runs for every file.
	Wants(path string) bool
	// Collect reads one wanted file. It may read other files of t.FS that
	// the file names (a manifest's locale files, say). Parts that cannot
	// be read become Unknowns; an error means the file as a whole could
	// not be read, and the runner records it as an Unknown.
	Collect(ctx context.Context, t *Target, f TargetFile, lim Limits) ([]Item, []Unknown, error)
}

// Display is how a file of the target is named in output: the target's
// name joined with the file's path.
func (t *Target) Display(p string) string {
	if t.Name == "/" {
		return "/" + p
	}
	return t.Name + "/" + p
}

// ReadFile reads a file of the target, at most limit bytes (and never more
// than lim.MaxBytes): a larger file is an InputError naming it, never a
// silently shortened read.
func (t *Target) ReadFile(p string, limit int64, lim Limits) ([]byte, error) {
	if lim.MaxBytes > 0 {
		limit = min(limit, lim.MaxBytes)
	}
	fh, err := t.FS.Open(p)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := ReadAll(fh, limit)
	if err != nil {
		return nil, &InputError{Source: t.Display(p), Offset: -1, Err: err}
	}
	return data, nil
}

// RandomFile is a file of the target read at offsets (archives, programs).
type RandomFile interface {
	io.ReaderAt
	io.Closer
}

// OpenAt opens a file of the target for reading at offsets, and gives its
// size.
func (t *Target) OpenAt(p string) (RandomFile, int64, error) {
	fh, err := t.FS.Open(p)
	if err != nil {
		return nil, 0, err
	}
	st, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, 0, err
	}
	if !st.Mode().IsRegular() {
		fh.Close()
		return nil, 0, errors.New("not a regular file")
	}
	rf, ok := fh.(RandomFile)
	if !ok {
		fh.Close()
		return nil, 0, errors.New("the file system cannot read this file at offsets")
	}
	return rf, st.Size(), nil
}

// Place finishes what a collector made of one of the target's files, as
// the walker does for every collector (so collectors need not): each item
// and unknown is placed on the target's host and, where the collector did
// not say, in the file and with the collector's name; each item then gets
// its id, which depends on all of that.
func (t *Target) Place(path, collector string, items []Item, unknowns []Unknown) {
	src := t.Display(path)
	place := func(l *Location) {
		if l.Source == "" {
			l.Source = src
		}
		if l.Reader == "" {
			l.Reader = collector
		}
		if l.Host == "" {
			l.Host = t.Host
		}
	}
	for i := range items {
		place(&items[i].Location)
		items[i].SetID()
	}
	for i := range unknowns {
		place(&unknowns[i].Location)
	}
}

// CollectWith reads one file of the target with a document reader (a
// package database).
func (t *Target) CollectWith(ctx context.Context, f TargetFile, lim Limits, read func(context.Context, string, io.Reader, Limits) (*Inventory, error)) ([]Item, []Unknown, error) {
	fh, err := t.FS.Open(f.Path)
	if err != nil {
		return nil, nil, err
	}
	defer fh.Close()
	inv, err := read(ctx, t.Display(f.Path), fh, lim)
	if err != nil {
		return nil, nil, err
	}
	return inv.Items, inv.Unknowns, nil
}
