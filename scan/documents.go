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
		if !recognised(f, readers, forced) {
			return false
		}
	}
	return true
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

// recognised reports whether a reader (the one forced, if any) takes the
// file.
func recognised(name string, readers []inventory.Reader, forced string) bool {
	in, err := input.Open(name, input.Options{HeadSize: headSize, MaxDecompressed: inventory.DefaultLimits.MaxBytes + 1})
	if err != nil {
		return false
	}
	defer in.Close()
	_, ok := input.Choose(readers, in, forced)
	return ok
}

func (s documentsSource) Scan(ctx context.Context, dir string, opts Options) (*inventory.Inventory, []string, string, error) {
	files, _ := documentFiles(dir)
	all := &inventory.Inventory{Source: dir}
	formats := map[string]int{}
	at := map[string]int{}
	var failed error
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, nil, "", err
		}
		inv, _, err := readInput(ctx, f, opts.Reader, opts.Limits)
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
		formats[inv.Format]++
		if len(all.Items)+len(inv.Items) > opts.Limits.MaxItems {
			return nil, nil, "", &inventory.InputError{Source: f, Offset: -1, Err: fmt.Errorf("the directory holds more than %d items (the item limit)", opts.Limits.MaxItems)}
		}
		for _, it := range inv.Items {
			it.Index = len(all.Items)
			all.Items = append(all.Items, it)
		}
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
