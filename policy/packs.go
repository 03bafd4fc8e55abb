package policy

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/embargo-dev/embargo/catalog"
)

//go:embed packs/*.yaml
var builtin embed.FS

// Packs loads the built-in packs, in order of file name. Each is named by
// its id, which is also its file name.
func Packs() ([]*Pack, error) {
	files, err := fs.Glob(builtin, "packs/*.yaml")
	if err != nil {
		return nil, err
	}
	var out []*Pack
	for _, f := range files {
		data, err := builtin.ReadFile(f)
		if err != nil {
			return nil, err
		}
		p, err := LoadPack(f, data)
		if err != nil {
			return nil, err
		}
		if want := strings.TrimSuffix(path.Base(f), ".yaml"); p.ID != want {
			return nil, fmt.Errorf("%s: pack id %q differs from the file name", p.Pos, p.ID)
		}
		out = append(out, p)
	}
	return out, nil
}

// BuiltinPack returns the built-in pack with the given id.
func BuiltinPack(id string) (*Pack, error) {
	ps, err := Packs()
	if err != nil {
		return nil, err
	}
	return packIn(ps, id)
}

// packIn is the pack of ps with id.
func packIn(ps []*Pack, id string) (*Pack, error) {
	var ids []string
	for _, p := range ps {
		if p.ID == id {
			return p, nil
		}
		ids = append(ids, p.ID)
	}
	return nil, fmt.Errorf("no built-in policy pack %q (there are %s)", id, strings.Join(ids, ", "))
}

// Resolve turns pack names into packs: built-in ids, "all" (every
// built-in pack), a jurisdiction's group (Groups: "uk", "us-federal", ...,
// by the countries cat gives the packs' instruments), and, when readFile
// is given, files (a name with a path separator or a .yaml/.yml
// extension), read with it. A pack named twice is kept once. The CLI and
// the fleet server choose packs through it.
func Resolve(names []string, readFile func(string) ([]byte, error), cat *catalog.Catalog) ([]*Pack, error) {
	return ResolveIn(nil, names, readFile, cat)
}

// ResolveIn is Resolve with the built-in packs given (those of an
// installed data feed); nil is the binary's.
func ResolveIn(builtin []*Pack, names []string, readFile func(string) ([]byte, error), cat *catalog.Catalog) ([]*Pack, error) {
	if builtin == nil {
		var err error
		if builtin, err = Packs(); err != nil {
			return nil, fmt.Errorf("loading the built-in packs: %w", err)
		}
	}
	all, err := resolve(builtin, names, readFile, cat)
	if err != nil {
		return nil, err
	}
	// The first of each pack named twice ("uk" and one of its ids) is
	// kept.
	seen := map[string]bool{}
	out := all[:0]
	for _, p := range all {
		if !seen[p.ID] {
			seen[p.ID] = true
			out = append(out, p)
		}
	}
	return out, nil
}

func resolve(builtin []*Pack, names []string, readFile func(string) ([]byte, error), cat *catalog.Catalog) ([]*Pack, error) {
	var out []*Pack
	for _, n := range names {
		if _, ok := Groups[n]; ok {
			ps, err := group(builtin, n, cat)
			if err != nil {
				return nil, err
			}
			out = append(out, ps...)
			continue
		}
		switch {
		case n == "all":
			out = append(out, builtin...)
		case readFile != nil && (strings.ContainsAny(n, `/\`) || strings.HasSuffix(n, ".yaml") || strings.HasSuffix(n, ".yml")):
			data, err := readFile(n)
			if err != nil {
				return nil, err
			}
			p, err := LoadPack(n, data)
			if err != nil {
				return nil, err
			}
			out = append(out, p)
		default:
			p, err := packIn(builtin, n)
			if err != nil {
				return nil, fmt.Errorf("policy pack %q: %w; or a jurisdiction: %s; or \"all\"", n, err, strings.Join(GroupNames(), ", "))
			}
			out = append(out, p)
		}
	}
	return out, nil
}

// BuiltinDigest names the built-in packs' files: a short SHA-256 of their
// names and bytes, in order of name, as the data feed names its packs.
func BuiltinDigest() (string, error) {
	files, err := fs.Glob(builtin, "packs/*.yaml")
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, f := range files { // fs.Glob sorts
		data, err := builtin.ReadFile(f)
		if err != nil {
			return "", err
		}
		h.Write([]byte(path.Base(f)))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}
