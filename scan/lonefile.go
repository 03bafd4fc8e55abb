package scan

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// fileSource reads one file that no document reader recognises with the
// host collectors, as if it were a tree holding that one file: a program
// (setup.exe), a registry hive (SOFTWARE), a Java archive, a model. The
// collectors want files by where they lie (Wants tests a path), so the
// file is offered at each of its places, longest first: its whole path
// (/mnt/c/Windows/System32/config/SOFTWARE), then the end of it from each
// folder on (Windows/System32/config/SOFTWARE, ..., SOFTWARE); a registry
// hive, which Windows keeps in known places, also as if it lay there
// (Windows/System32/config/SOFTWARE for a file named SOFTWARE, Users/joe/
// NTUSER.DAT for joe/NTUSER.DAT). Collectors that run only when asked for
// by name (pe-all) read it when no other collector found anything in it.
// What they find is placed in the file as the user named it.
type fileSource struct{}

func (fileSource) Name() string { return "file" }

// Accepts takes an existing regular file that no reader recognises; a
// file a reader recognises is a document, and a missing one is for the
// document source to report.
func (fileSource) Accepts(input, forced string) bool {
	if input == "-" || forced != "" {
		return false
	}
	fi, err := os.Stat(input)
	if err != nil || !fi.Mode().IsRegular() {
		return false
	}
	_, ok := recognised(input, Readers(), "")
	return !ok
}

func (fileSource) Scan(ctx context.Context, input string, opts Options) (*inventory.Inventory, []string, string, error) {
	return scanFile(ctx, input, opts)
}

// scanFile reads a lone file with the collectors that want it; readers
// names those that found something, comma-separated.
func scanFile(ctx context.Context, input string, opts Options) (*inventory.Inventory, []string, string, error) {
	lf, err := openLone(input)
	if err != nil {
		return nil, nil, "", err
	}
	defer lf.close()
	if lf.size == 0 {
		return nil, nil, "", &inventory.InputError{Source: input, Offset: -1, Err: errEmpty}
	}
	// Collectors skipped by their requirements (the live registry) are
	// not worth a note here: a lone file is never a live system.
	primary, _, err := SelectCollectors(&inventory.Target{Name: input}, opts.Select)
	if err != nil {
		return nil, nil, "", err
	}
	var notes []string
	var fallback []inventory.Collector
	if len(opts.Select) == 0 {
		for _, c := range Collectors() {
			if c.Requirements().OnRequest {
				fallback = append(fallback, c)
			}
		}
	}
	inv := &inventory.Inventory{Source: input}
	var wanted, found []string // wanted: by the collectors of primary
	var firstErr error
	for i, cs := range [][]inventory.Collector{primary, fallback} {
		for _, c := range cs {
			p, ok := lf.placeFor(c)
			if !ok {
				continue
			}
			if i == 0 {
				wanted = append(wanted, c.Name())
			}
			items, unknowns, err := lf.collect(ctx, c, p, opts.Limits)
			if err != nil {
				if ctx.Err() != nil {
					return nil, nil, "", ctx.Err()
				}
				if firstErr == nil {
					firstErr = err
				}
				unknowns = append(unknowns, inventory.Unknown{Location: inventory.Location{Source: input, Reader: c.Name()}, Reason: err.Error()})
			}
			if len(items)+len(unknowns) > 0 {
				found = append(found, c.Name())
			}
			if !slices.Contains(lf.real, p) && len(items) > 0 {
				notes = append(notes, fmt.Sprintf("read by %s as %s, where Windows keeps such a file", c.Name(), p))
			}
			inv.Items = append(inv.Items, items...)
			inv.Unknowns = append(inv.Unknowns, unknowns...)
		}
		if len(inv.Items)+len(inv.Unknowns) > 0 {
			break
		}
	}
	switch {
	case len(found) == 0 && len(wanted) == 0:
		return nil, nil, "", notRecognised(input, lf.hive, opts.Select)
	case len(inv.Items) == 0 && len(inv.Unknowns) == 1 && firstErr != nil:
		// The one collector that took the file could not read it: the
		// input could not be read.
		return nil, notes, strings.Join(found, ","), &inventory.InputError{Source: input, Offset: -1, Err: firstErr}
	case len(found) == 0:
		inv.Unknowns = append(inv.Unknowns, inventory.Unknown{Location: inventory.Location{Source: input, Reader: strings.Join(wanted, ",")},
			Reason: fmt.Sprintf("read by %s, which found nothing in it: what it holds is unknown", strings.Join(wanted, ", "))})
		found = wanted
	}
	for i := range inv.Items {
		inv.Items[i].Index = i
	}
	inv.Format = "one file read by the host collectors " + strings.Join(found, ", ")
	return inv, notes, strings.Join(found, ","), nil
}

// notRecognised is the error for a file neither a reader nor a collector
// takes.
func notRecognised(input string, hive bool, sel []string) error {
	err := fmt.Errorf("not a recognised inventory format (%s), nor a file a host collector reads; --format forces a reader", ReaderNames())
	if len(sel) > 0 {
		err = fmt.Errorf("not a recognised inventory format (%s), nor a file the collectors of --select %s read; --format forces a reader", ReaderNames(), strings.Join(sel, ","))
	}
	if hive {
		err = fmt.Errorf("a Windows registry hive, but not one the winreg collectors read: they read SOFTWARE, SYSTEM and users' NTUSER.DAT by these names (a user's in a folder named for the user); name a copy so, or scan the volume it came from")
	}
	return &inventory.InputError{Source: input, Offset: -1, Err: err}
}

// loneTarget is the name of a lone file's target while collectors read
// it; what they report is renamed to the file as the user named it.
const loneTarget = "\x00lone"

// hiveHomes are where Windows keeps the registry hives the winreg
// collectors read, relative to the system volume: SOFTWARE and SYSTEM in
// the first, each user's NTUSER.DAT in a folder of the second.
var hiveHomes = []string{"Windows/System32/config/", "Users/"}

// loneFile is a lone file being read: its places, and its folder opened
// so that nothing below it is left through a symbolic link.
type loneFile struct {
	input string   // as the user named it
	real  []string // its places: its whole path, then each end of it
	hive  bool     // it starts as a registry hive does
	size  int64
	root  *os.Root // the file's folder
	base  string   // the file's name in it
}

func openLone(input string) (*loneFile, error) {
	abs, err := filepath.Abs(input)
	if err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(filepath.Dir(abs))
	if err != nil {
		return nil, err
	}
	lf := &loneFile{input: input, root: root, base: filepath.Base(abs)}
	fi, err := root.Stat(lf.base)
	if err != nil {
		root.Close()
		return nil, err
	}
	lf.size = fi.Size()
	slashed := filepath.ToSlash(strings.TrimPrefix(abs, filepath.VolumeName(abs)))
	lf.real = suffixes(strings.TrimPrefix(slashed, "/"))
	if f, err := root.Open(lf.base); err == nil {
		var magic [4]byte
		_, err := io.ReadFull(f, magic[:])
		lf.hive = err == nil && string(magic[:]) == "regf"
		f.Close()
	}
	return lf, nil
}

func (lf *loneFile) close() { lf.root.Close() }

// suffixes are p and the end of p from each of its folders on, longest
// first: a/b/c, b/c, c.
func suffixes(p string) []string {
	out := []string{p}
	for i := 0; i < len(p); i++ {
		if p[i] == '/' {
			out = append(out, p[i+1:])
		}
	}
	return out
}

// placeFor is the first place at which c wants the file: one of its real
// places, else, for a hive, one of its places in a hive home.
func (lf *loneFile) placeFor(c inventory.Collector) (string, bool) {
	for _, p := range lf.real {
		if c.Wants(p) {
			return p, true
		}
	}
	if !lf.hive {
		return "", false
	}
	for _, p := range lf.real {
		for _, home := range hiveHomes {
			if c.Wants(home + p) {
				return home + p, true
			}
		}
	}
	return "", false
}

// collect runs c on the file placed at p, and names what it found after
// the file as the user named it.
func (lf *loneFile) collect(ctx context.Context, c inventory.Collector, p string, lim inventory.Limits) ([]inventory.Item, []inventory.Unknown, error) {
	t := &inventory.Target{Name: loneTarget, FS: placedFS{root: lf.root.FS(), dir: path.Dir(p)}}
	items, unknowns, err := collectSafely(ctx, t, job{c: c, f: inventory.TargetFile{Path: p, Size: lf.size}}, lim)
	rename := lf.renamer(t, p)
	for i := range items {
		l := &items[i].Location
		l.Source, l.Reader = rename(l.Source), or(l.Reader, c.Name())
		items[i].SetID()
	}
	for i := range unknowns {
		l := &unknowns[i].Location
		l.Source, l.Reader = rename(l.Source), or(l.Reader, c.Name())
		unknowns[i].Reason = strings.ReplaceAll(unknowns[i].Reason, t.Display(p), lf.input)
	}
	if err != nil {
		err = fmt.Errorf("%s", strings.ReplaceAll(strings.TrimPrefix(err.Error(), t.Display(p)+": "), t.Display(p), lf.input))
	}
	return items, unknowns, err
}

// renamer turns what a collector names a file of t (the file at p, or a
// file beside it) into the name the user knows it by.
func (lf *loneFile) renamer(t *inventory.Target, p string) func(string) string {
	file, dir := t.Display(p), t.Display(path.Dir(p))
	inDir := filepath.ToSlash(filepath.Dir(lf.input))
	return func(s string) string {
		switch {
		case s == "":
			return lf.input
		case strings.HasPrefix(s, file):
			return lf.input + s[len(file):]
		case strings.HasPrefix(s, dir+"/"):
			return path.Join(inDir, s[len(dir)+1:])
		}
		return s
	}
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// placedFS shows a folder (the lone file's) at dir, as if the tree held
// it there and nothing else: a collector may read the files beside the
// one it wants (an extension's locales), and finds nothing elsewhere.
type placedFS struct {
	root fs.FS
	dir  string
}

// Open implements fs.FS.
func (p placedFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	switch {
	case p.dir == ".":
		return p.root.Open(name)
	case name == p.dir:
		return p.root.Open(".")
	case strings.HasPrefix(name, p.dir+"/"):
		return p.root.Open(name[len(p.dir)+1:])
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}
