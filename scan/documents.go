package scan

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/embargo-dev/embargo/input"
	"github.com/embargo-dev/embargo/inventory"
)

// documentsSource reads a directory of documents as one input: the pages
// a device manager's API returned and a user (or `embargo mdm pull`)
// saved one file each, or a folder of SBOMs. A directory is one when it
// holds files only, every one of them (leaving out hidden files and
// notes: *.md, *.txt without a reader) recognised by a reader; anything
// else is a host to walk. The documents' devices are joined by host
// across files, so a device's record and its apps may be in different
// pages.
type documentsSource struct{}

// maxDocuments bounds the files of one directory read as documents: a
// tenant of 100,000 devices with a page of apps each, with room.
const maxDocuments = 1 << 20

func (documentsSource) Name() string { return "documents" }

func (documentsSource) Accepts(in, forced string) bool {
	if !isDir(in) {
		return false
	}
	files, ok := documentFiles(in)
	if !ok || len(files) == 0 {
		return false
	}
	readers := Readers()
	for _, f := range files {
		r, ok := recognised(f, readers, forced)
		if !ok {
			return false
		}
		readers = preferring(readers, r)
	}
	return true
}

// preferring is readers with r first: a directory's documents are
// mostly of one kind (the pages of one pull), and a file the previous
// file's reader recognises is that reader's. Readers recognise distinct
// formats, so the order decides only how soon the right one is found.
func preferring(readers []inventory.Reader, r inventory.Reader) []inventory.Reader {
	if len(readers) == 0 || readers[0].Name() == r.Name() {
		return readers
	}
	out := make([]inventory.Reader, 0, len(readers))
	out = append(out, r)
	for _, x := range readers {
		if x.Name() != r.Name() {
			out = append(out, x)
		}
	}
	return out
}

// documentFiles lists the files of dir to read, sorted; ok is false when
// dir holds a subdirectory or anything other than regular files.
func documentFiles(dir string) ([]string, bool) {
	ents, err := os.ReadDir(dir)
	if err != nil || len(ents) > maxDocuments {
		return nil, false
	}
	var files []string
	for _, e := range ents {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		if !e.Type().IsRegular() {
			return nil, false
		}
		if note(name) || pullManifest(filepath.Join(dir, name)) {
			continue
		}
		files = append(files, filepath.Join(dir, name))
	}
	slices.Sort(files)
	return files, true
}

// note reports whether a file is a note beside the documents (a README,
// the sources of a fixture), not one of them.
func note(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".md", ".rst":
		return true
	}
	return false
}

// pullManifest reports whether a file is the manifest `embargo mdm pull`
// writes beside the pages it saved (format embargo-mdm-pull/N): a record
// of the pull, not a page.
func pullManifest(path string) bool {
	if filepath.Base(path) != "manifest.json" {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	return bytes.Contains(head[:n], []byte(`"embargo-mdm-pull/`))
}

// recognised returns the reader (the one forced, if any) that takes the
// file.
func recognised(name string, readers []inventory.Reader, forced string) (inventory.Reader, bool) {
	in, err := input.Open(name, input.Options{HeadSize: headSize, MaxDecompressed: inventory.DefaultLimits.MaxBytes + 1})
	if err != nil {
		return nil, false
	}
	defer in.Close()
	return input.Choose(readers, in, forced)
}

func (s documentsSource) Scan(ctx context.Context, dir string, opts Options) (*inventory.Inventory, []string, string, error) {
	files, _ := documentFiles(dir)
	all := &inventory.Inventory{Source: dir}
	formats := map[string]int{}
	at := map[string]int{}
	var failed error
	var invs []*inventory.Inventory
	readers := Readers()
	n := 0
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, nil, "", err
		}
		inv, reader, err := readInputWith(ctx, f, opts.Reader, opts.Limits, readers)
		if err != nil {
			// One page that cannot be read does not hide the others; it
			// is an unknown of the directory, and the scan is incomplete.
			if ctx.Err() != nil {
				return nil, nil, "", ctx.Err()
			}
			if failed == nil {
				failed = err
			}
			all.Unknowns = append(all.Unknowns, inventory.Unknown{Location: inventory.Location{Source: f}, Reason: err.Error()})
			continue
		}
		for _, r := range readers {
			if r.Name() == reader {
				readers = preferring(readers, r)
				break
			}
		}
		formats[inv.Format]++
		if n += len(inv.Items); n > opts.Limits.MaxItems {
			return nil, nil, "", &inventory.InputError{Source: f, Offset: -1, Err: fmt.Errorf("the directory holds more than %d items (the item limit)", opts.Limits.MaxItems)}
		}
		invs = append(invs, inv)
		all.Unknowns = append(all.Unknowns, inv.Unknowns...)
		all.Pages = append(all.Pages, inv.Pages...)
		for _, d := range inv.Devices {
			if i, ok := at[d.Host]; ok {
				all.Devices[i].Merge(d)
				continue
			}
			at[d.Host] = len(all.Devices)
			all.Devices = append(all.Devices, d)
		}
	}
	if failed != nil && len(formats) == 0 {
		return nil, nil, "", failed
	}
	all.Items = make([]inventory.Item, 0, n)
	for _, inv := range invs {
		for _, it := range inv.Items {
			it.Index = len(all.Items)
			all.Items = append(all.Items, it)
		}
		inv.Items = nil
	}
	// Pages saved one file each: a page's link to the next is followed
	// when its collection's last page is here too.
	if followed := inventory.FollowedPages(all.Pages); len(followed) > 0 {
		all.Unknowns = slices.DeleteFunc(all.Unknowns, func(u inventory.Unknown) bool { return followed[u.Location] })
	}
	all.Format = formatsText(len(files), formats)
	return all, nil, s.Name(), nil
}

// formatsText says what a directory held: "12 documents: Microsoft Graph
// managedDevices JSON ×2, Microsoft Graph detectedApps JSON ×10".
func formatsText(n int, formats map[string]int) string {
	var parts []string
	for f, c := range formats {
		parts = append(parts, fmt.Sprintf("%s ×%d", f, c))
	}
	slices.Sort(parts)
	return fmt.Sprintf("%d documents: %s", n, strings.Join(parts, ", "))
}
