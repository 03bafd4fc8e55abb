package aimodel

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// GGUF header bounds: the metadata (tokeniser vocabularies included) is a
// few megabytes; the tensors that follow are never read.
const (
	maxHeaderBytes = 256 << 20
	maxKVs         = 1 << 20
	maxString      = 1 << 20 // a general.* value kept
	maxArray       = 1 << 26 // elements of one array
)

// Metadata is what attribution uses of a GGUF header: general.* strings.
type Metadata map[string]string

// GGUF value types (github.com/ggml-org/ggml, docs/gguf.md).
const (
	tUint8 = iota
	tInt8
	tUint16
	tInt16
	tUint32
	tInt32
	tFloat32
	tBool
	tString
	tArray
	tUint64
	tInt64
	tFloat64
)

var fixedSize = map[uint32]int64{tUint8: 1, tInt8: 1, tUint16: 2, tInt16: 2, tUint32: 4, tInt32: 4, tFloat32: 4, tBool: 1, tUint64: 8, tInt64: 8, tFloat64: 8}

// gguf reads a GGUF header with positions for errors.
type gguf struct {
	r       *bufio.Reader
	off     int64
	version uint32
}

var errBounds = errors.New("over the header bounds")

func (g *gguf) read(p []byte) error {
	if g.off+int64(len(p)) > maxHeaderBytes {
		return errBounds
	}
	n, err := io.ReadFull(g.r, p)
	g.off += int64(n)
	if err == io.ErrUnexpectedEOF {
		err = io.EOF
	}
	return err
}

func (g *gguf) skip(n int64) error {
	if n < 0 || g.off+n > maxHeaderBytes {
		return errBounds
	}
	d, err := g.r.Discard(int(n))
	g.off += int64(d)
	if err == io.ErrUnexpectedEOF {
		err = io.EOF
	}
	return err
}

func (g *gguf) u32() (uint32, error) {
	var b [4]byte
	err := g.read(b[:])
	return binary.LittleEndian.Uint32(b[:]), err
}

func (g *gguf) u64() (uint64, error) {
	var b [8]byte
	err := g.read(b[:])
	return binary.LittleEndian.Uint64(b[:]), err
}

// count reads a length or count: 32 bits in GGUF version 1, 64 after.
func (g *gguf) count() (uint64, error) {
	if g.version == 1 {
		n, err := g.u32()
		return uint64(n), err
	}
	return g.u64()
}

// str reads a string, keeping it only when keep (and short enough).
func (g *gguf) str(keep bool) (string, error) {
	n, err := g.count()
	if err != nil {
		return "", err
	}
	if !keep || n > maxString {
		return "", g.skip(int64(min(n, maxHeaderBytes+1)))
	}
	b := make([]byte, n)
	return string(b), g.read(b)
}

// ParseGGUF reads the metadata of a GGUF file's header.
func ParseGGUF(name string, r io.Reader) (Metadata, error) {
	g := &gguf{r: bufio.NewReaderSize(r, 64<<10)}
	fail := func(err error) (Metadata, error) {
		switch {
		case errors.Is(err, io.EOF):
			err = errors.New("the header ends early")
		case errors.Is(err, errBounds):
			err = fmt.Errorf("header larger than %d bytes", maxHeaderBytes)
		}
		return nil, &inventory.InputError{Source: name, Offset: g.off, Err: err}
	}
	var magic [4]byte
	if err := g.read(magic[:]); err != nil || string(magic[:]) != "GGUF" {
		return nil, &inventory.InputError{Source: name, Offset: 0, Err: errors.New("not a GGUF file (no GGUF magic)")}
	}
	v, err := g.u32()
	if err != nil {
		return fail(err)
	}
	if v < 1 || v > 3 {
		return fail(fmt.Errorf("GGUF version %d is not 1, 2 or 3 (a big-endian file reads as a huge version)", v))
	}
	g.version = v
	if _, err := g.count(); err != nil { // tensors
		return fail(err)
	}
	kvs, err := g.count()
	if err != nil {
		return fail(err)
	}
	if kvs > maxKVs {
		return fail(fmt.Errorf("%d metadata entries is over the %d limit", kvs, maxKVs))
	}
	md := Metadata{}
	for i := uint64(0); i < kvs; i++ {
		key, err := g.str(true)
		if err != nil {
			return fail(err)
		}
		typ, err := g.u32()
		if err != nil {
			return fail(err)
		}
		keep := strings.HasPrefix(key, "general.")
		switch {
		case typ == tString:
			s, err := g.str(keep)
			if err != nil {
				return fail(err)
			}
			if keep {
				md[key] = s
			}
		case typ == tArray:
			if err := g.skipArray(); err != nil {
				return fail(err)
			}
		case fixedSize[typ] > 0:
			if err := g.skip(fixedSize[typ]); err != nil {
				return fail(err)
			}
		default:
			return fail(fmt.Errorf("metadata %q has unknown value type %d", key, typ))
		}
	}
	return md, nil
}

func (g *gguf) skipArray() error {
	typ, err := g.u32()
	if err != nil {
		return err
	}
	n, err := g.count()
	if err != nil {
		return err
	}
	if n > maxArray {
		return fmt.Errorf("array of %d elements is over the %d limit", n, maxArray)
	}
	switch {
	case typ == tString:
		for j := uint64(0); j < n; j++ {
			if _, err := g.str(false); err != nil {
				return err
			}
		}
		return nil
	case typ == tArray:
		return errors.New("nested arrays are not allowed in GGUF metadata")
	case fixedSize[typ] > 0:
		return g.skip(int64(n) * fixedSize[typ])
	}
	return fmt.Errorf("array of unknown value type %d", typ)
}

// Repos are the Hugging Face repositories the model says it comes from:
// its own, its source's and its base models' repo_url keys.
func (md Metadata) Repos() []string {
	var out []string
	add := func(u string) {
		if r := hfRepoOf(u); r != "" {
			for _, o := range out {
				if o == r {
					return
				}
			}
			out = append(out, r)
		}
	}
	add(md["general.repo_url"])
	add(md["general.source.repo_url"])
	for i := 0; i < 64; i++ {
		u, ok := md[fmt.Sprintf("general.base_model.%d.repo_url", i)]
		if !ok {
			break
		}
		add(u)
	}
	return out
}

// hfRepoOf is "org/name" of a huggingface.co repository URL, or "".
func hfRepoOf(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Host != "huggingface.co" && u.Host != "hf.co" && u.Host != "www.huggingface.co") {
		return ""
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(segs) < 2 || segs[0] == "" || segs[1] == "" || segs[0] == "datasets" || segs[0] == "spaces" {
		return ""
	}
	return segs[0] + "/" + segs[1]
}

// ggufItem reads a GGUF file's header into an item.
func ggufItem(t *inventory.Target, f inventory.TargetFile, lim inventory.Limits) (inventory.Item, error) {
	name := t.Display(f.Path)
	fh, err := t.FS.Open(f.Path)
	if err != nil {
		return inventory.Item{}, err
	}
	defer fh.Close()
	md, err := ParseGGUF(name, fh)
	if err != nil {
		return inventory.Item{}, err
	}
	it := inventory.Item{Type: inventory.Model, Ecosystem: "gguf", Name: md["general.name"], Version: md["general.version"],
		Location: inventory.Location{Source: name, Reader: "aimodel"}}
	if it.Name == "" {
		it.Name = strings.TrimSuffix(path.Base(f.Path), ".gguf")
	}
	for _, r := range md.Repos() {
		it.Add(inventory.ModelRepo, r)
	}
	it.Add(inventory.Path, name)
	return it, nil
}
