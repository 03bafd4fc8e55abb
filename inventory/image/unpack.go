package image

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// Whiteout names, as the OCI layer specification defines them (after
// AUFS): ".wh.NAME" deletes NAME of the layers beneath; ".wh..wh..opq"
// hides everything the layers beneath put in its folder.
const (
	whiteoutPrefix = ".wh."
	whiteoutMeta   = ".wh..wh."
	whiteoutOpaque = ".wh..wh..opq"
)

// unpacker applies the layers of one image.
type unpacker struct {
	a        *Archive
	im       Image
	root     *node
	want     func(string) bool
	prefix   string // "Files/" in a Windows image's layers
	entries  int
	unpacked int64
	kept     int64
	unknowns []inventory.Unknown
	l        *layer
}

// Unpack applies the layers of an image in order and returns its file
// system. want is asked about every regular file as its layer is read;
// the contents of wanted files in compressed layers are held in memory
// (within the limits). Entries that cannot be applied — a name that
// climbs out of the root, a hard link to nothing — become unknowns and
// the rest goes on; a layer that cannot be read to its end is an unknown
// too, and the files it held up to there stay. An error means no file
// system could be built at all.
func (a *Archive) Unpack(ctx context.Context, im Image, want func(string) bool) (*FS, []inventory.Unknown, error) {
	if len(im.Layers) > a.lim.MaxLayers {
		return nil, nil, fmt.Errorf("%s: image %s: %w: %d layers, limit %d", a.name, im.Label(), inventory.ErrTooLarge, len(im.Layers), a.lim.MaxLayers)
	}
	if want == nil {
		want = func(string) bool { return false }
	}
	u := &unpacker{a: a, im: im, root: newDir("", 0), want: want}
	if im.OS == "windows" {
		u.prefix = "Files/"
	}
	for i, name := range im.Layers {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		blob, clean, err := a.member(name)
		if err != nil {
			u.unknown(fmt.Sprintf("layer %d", i+1), "layer could not be read, the image's files are incomplete: "+err.Error())
			continue
		}
		u.l = &layer{name: clean, index: i + 1, blob: blob, comp: compression(blob)}
		if err := u.apply(ctx); err != nil {
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				return nil, nil, err
			}
			u.unknown(u.where(), "layer could not be read to its end, the image's files are incomplete: "+err.Error())
		}
	}
	files, dirs := u.root.count()
	return &FS{a: a, root: u.root, Files: files, Dirs: dirs}, u.unknowns, nil
}

func (u *unpacker) where() string {
	return fmt.Sprintf("layer %d (%s)", u.l.index, u.l.name)
}

func (u *unpacker) unknown(ref, reason string) {
	u.unknowns = append(u.unknowns, inventory.Unknown{
		Location: inventory.Location{Source: u.a.name, Ref: ref, Reader: "image"},
		Reason:   reason,
	})
}

// position reports how far a tar stream has been read.
type position struct {
	r io.Reader
	n int64
}

func (p *position) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.n += int64(n)
	return n, err
}

// apply reads one layer's tar stream and applies its entries.
func (u *unpacker) apply(ctx context.Context) error {
	r, err := u.l.decompressor()
	if err != nil {
		return err
	}
	var at func() int64
	if u.l.comp == "" {
		// Uncompressed: the tar reader skips file data by seeking.
		sr := r.(*io.SectionReader)
		at = func() int64 { n, _ := sr.Seek(0, io.SeekCurrent); return n }
	} else {
		p := &position{r: inventory.LimitReader(r, u.a.lim.MaxUnpacked-u.unpacked)}
		defer func() { u.unpacked += p.n }()
		r = p
		at = func() int64 { return p.n }
	}
	tr := tar.NewReader(r)
	for {
		start := at()
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("entry header at byte %d: %w", start, err)
		}
		u.entries++
		if u.entries > u.a.lim.MaxEntries {
			return fmt.Errorf("%w: more than %d entries in the image's layers", inventory.ErrTooLarge, u.a.lim.MaxEntries)
		}
		if u.entries%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := u.entry(hdr, tr, at()); err != nil {
			return fmt.Errorf("entry %q at byte %d: %w", inventory.Clip(hdr.Name), start, err)
		}
	}
}

// entryName cleans a layer entry's name; ok is false for a name that is
// absolute or climbs above the root.
func (u *unpacker) entryName(name string) (clean string, ok bool) {
	if r := strings.Trim(name, "/"); r == "" || r == "." {
		return "", true // the root: "/" (umoci), "./" (docker), "."
	}
	if strings.HasPrefix(name, "/") {
		return "", false
	}
	for _, c := range strings.Split(name, "/") {
		if c == ".." {
			return "", false
		}
	}
	clean = strings.TrimPrefix(path.Clean("/"+name), "/")
	if u.prefix != "" {
		if !strings.HasPrefix(clean+"/", u.prefix) {
			return "", true // Hives/, UtilityVM/: not part of the file system
		}
		clean = strings.TrimPrefix(strings.TrimPrefix(clean, strings.TrimSuffix(u.prefix, "/")), "/")
	}
	return clean, true
}

// entry applies one layer entry. An error stops the layer (the stream is
// unreadable); problems with the entry alone become unknowns.
func (u *unpacker) entry(hdr *tar.Header, tr *tar.Reader, off int64) error {
	if len(hdr.Name) > u.a.lim.MaxPath || len(hdr.Linkname) > u.a.lim.MaxPath {
		u.bad(hdr.Name, fmt.Sprintf("name or link longer than %d bytes; entry ignored", u.a.lim.MaxPath))
		return nil
	}
	name, ok := u.entryName(hdr.Name)
	if !ok {
		u.bad(hdr.Name, "path is absolute or climbs out of the image root; entry ignored")
		return nil
	}
	if name == "" {
		return nil // the root itself, or outside a Windows image's Files/
	}
	dir, base := path.Split(name)
	if strings.HasPrefix(base, whiteoutPrefix) {
		u.whiteout(hdr.Name, dir, base)
		return nil
	}
	parent, parentPath, err := resolve(u.root, dir, true, u.l.index)
	if err == nil && !parent.isDir() {
		err = errNotDir
	}
	if err != nil {
		u.bad(hdr.Name, "its folder cannot be created: "+err.Error()+"; entry ignored")
		return nil
	}
	full := base
	if parentPath != "" {
		full = parentPath + "/" + base
	}
	n := &node{name: base, mode: hdr.FileInfo().Mode(), mtime: hdr.ModTime.Unix(), layer: u.l.index}
	old := parent.children[base]
	switch hdr.Typeflag {
	case tar.TypeDir:
		if old != nil && old.isDir() {
			old.mode, old.mtime, old.layer = n.mode, n.mtime, u.l.index
			return nil
		}
		n.children = map[string]*node{}
	case tar.TypeReg, tar.TypeGNUSparse: // the reader turns TypeRegA into TypeReg
		n.mode &^= fs.ModeType
		n.size = hdr.Size
		n.data = &content{layer: u.l, off: off}
		if hdr.Typeflag == tar.TypeGNUSparse || sparse(hdr) {
			n.data.stream = "sparse file in a layer: its bytes can be read only in order"
		}
		if u.want(full) {
			if err := u.keep(n, tr); err != nil {
				return err
			}
		}
	case tar.TypeSymlink:
		n.link = hdr.Linkname
	case tar.TypeLink:
		target, ok := u.entryName(hdr.Linkname)
		if !ok {
			u.bad(hdr.Name, fmt.Sprintf("hard link to %q climbs out of the image root; entry ignored", inventory.Clip(hdr.Linkname)))
			return nil
		}
		t, _, err := resolve(u.root, target, false, -1)
		if err != nil || t.isDir() {
			u.bad(hdr.Name, fmt.Sprintf("hard link to %q, which is not a file of the image; entry ignored", inventory.Clip(hdr.Linkname)))
			return nil
		}
		n.mode, n.size, n.link, n.data = t.mode, t.size, t.link, t.data
	case tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
		// Kept as names (they exist in the image) but never read.
	default:
		return nil // volume labels and other archive metadata
	}
	parent.children[base] = n
	return nil
}

// sparse reports a PAX-format sparse file, whose data section is not the
// file's bytes.
func sparse(hdr *tar.Header) bool {
	for k := range hdr.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return false
}

// keep holds a wanted file's bytes in memory when its layer is
// compressed (an uncompressed layer is read in place) and the budget
// allows; otherwise the file is read later from a decompressed copy.
func (u *unpacker) keep(n *node, tr *tar.Reader) error {
	if u.l.comp == "" && n.data.stream == "" {
		return nil
	}
	if n.size > u.a.lim.MaxKeepFile || u.kept+n.size > u.a.lim.MaxKeep {
		if n.data.stream != "" {
			n.data.stream = fmt.Sprintf("sparse file of %d bytes, more than can be held in memory", n.size)
		}
		return nil
	}
	b := make([]byte, n.size)
	if _, err := io.ReadFull(tr, b); err != nil {
		return err
	}
	u.kept += n.size
	n.data.kept, n.data.held, n.data.stream = b, true, ""
	return nil
}

// whiteout applies a whiteout entry to the layers beneath this one.
func (u *unpacker) whiteout(raw, dir, base string) {
	parent, _, err := resolve(u.root, dir, true, -1)
	if err != nil || !parent.isDir() {
		return // nothing beneath to hide
	}
	switch {
	case base == whiteoutOpaque:
		parent.prune(u.l.index)
	case strings.HasPrefix(base, whiteoutMeta):
		// Other AUFS metadata (.wh..wh.plnk, .wh..wh.aufs): not files.
	default:
		victim := strings.TrimPrefix(base, whiteoutPrefix)
		if c := parent.children[victim]; c != nil && c.layer < u.l.index {
			delete(parent.children, victim)
		}
	}
}

func (u *unpacker) bad(name, reason string) {
	u.unknown(u.where()+" entry "+fmt.Sprintf("%q", inventory.Clip(name)), reason)
}
