package oui

import (
	_ "embed"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"
)

// The registries, as the listings' Registry column names them.
const (
	MAL = "MA-L"
	MAM = "MA-M"
	MAS = "MA-S"
	IAB = "IAB"
)

// registries are the registries in the order the compact form holds
// them, with the bits each assigns.
var registries = [...]regInfo{{MAL, 24}, {MAM, 28}, {MAS, 36}, {IAB, 36}}

type regInfo struct {
	name string
	bits int
}

// RegistrationAuthority is the organisation the MA-L listing names for
// the blocks the IEEE RA subdivides into MA-M, MA-S and IAB assignments.
const RegistrationAuthority = "IEEE Registration Authority"

// Limits on what is read; anything beyond them is refused.
const (
	MaxCSVSize     = 64 << 20 // bytes of one CSV listing
	MaxFileSize    = 64 << 20 // bytes of a compact file
	MaxBodySize    = 64 << 20 // uncompressed bytes of its body
	MaxMetaSize    = 1 << 14  // bytes of its META
	MaxAssignments = 1 << 20  // assignments in all
	MaxFieldLen    = 1024     // bytes of one organisation name or address
)

// Assignment is one block the IEEE RA assigned.
type Assignment struct {
	Prefix   string // the assigned bits in upper-case hex: 6 digits (MA-L), 7 (MA-M) or 9 (MA-S, IAB)
	Bits     int    // 24, 28 or 36
	Registry string // MA-L, MA-M, MA-S or IAB
	// Org is the Organization Name as listed, white space folded;
	// "Private" for an assignee who pays to stay unlisted. (The
	// listings' Organization Address is checked but not kept: it was
	// two thirds of the registry's size and load time.)
	Org string
	// Others are the further organisations listed for the same prefix
	// (a few 1980s MA-L entries); nil nearly always. Shared: do not
	// modify.
	Others []string
}

// Source says where a registry came from.
type Source struct {
	Name    string       `json:"name"`              // "ieee-data" for Debian's package, else what the files were
	Version string       `json:"version,omitempty"` // the ieee-data package version, when known
	Date    time.Time    `json:"date"`              // when the listings were taken from the IEEE RA
	Files   []SourceFile `json:"files,omitempty"`
}

// SourceFile is one CSV listing a registry was built from.
type SourceFile struct {
	Name    string `json:"name"`
	SHA256  string `json:"sha256"`
	Records int    `json:"records"`
}

// Registry is an immutable set of assignments, safe for concurrent use.
type Registry struct {
	src    Source
	raw    []byte // the compact form; digest is its SHA-256
	digest string
	counts [len(registries)]int
	tables
}

// Source names the registry's origin; the caller may keep the copy.
func (r *Registry) Source() Source {
	s := r.src
	s.Files = slices.Clone(s.Files)
	return s
}

// Date is when the listings were taken from the IEEE RA.
func (r *Registry) Date() time.Time { return r.src.Date }

// Version is the ieee-data package version, or "" when not known.
func (r *Registry) Version() string { return r.src.Version }

// Digest is "sha256:" and the hex SHA-256 of the compact form.
func (r *Registry) Digest() string { return r.digest }

// Len is the number of assignments listed.
func (r *Registry) Len() int {
	n := 0
	for _, c := range r.counts {
		n += c
	}
	return n
}

// Count is the number of assignments listed in one registry (MA-L,
// MA-M, MA-S or IAB).
func (r *Registry) Count(registry string) int {
	for i, reg := range registries {
		if reg.name == registry {
			return r.counts[i]
		}
	}
	return 0
}

// Write writes the registry's compact form, which Load reads; these are
// the bytes Digest names.
func (r *Registry) Write(w io.Writer) error {
	_, err := w.Write(r.raw)
	return err
}

// Lookup parses mac (ParseMAC's forms) and returns its assignment; false
// for a malformed address, a locally administered or group one, or one
// in no assignment.
func (r *Registry) Lookup(mac string) (Assignment, bool) {
	m, err := ParseMAC(mac)
	if err != nil {
		return Assignment{}, false
	}
	return r.LookupMAC(m)
}

//go:embed data/oui.bin
var embedded []byte

var loadEmbedded = sync.OnceValues(func() (*Registry, error) {
	return load(embedded, "embedded data/oui.bin")
})

// Embedded returns the registry compiled into the binary, decoded on
// first use and shared after.
func Embedded() (*Registry, error) { return loadEmbedded() }

// Load reads a registry in the compact form Registry.Write writes.
func Load(r io.Reader) (*Registry, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("oui: reading: %w", err)
	}
	if len(b) > MaxFileSize {
		return nil, fmt.Errorf("oui: more than %d bytes", MaxFileSize)
	}
	return load(b, "input")
}
