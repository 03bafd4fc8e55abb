package ipdata

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"net/netip"
	"os"
	"time"
)

// Info is what is known of one address.
type Info struct {
	Country string // ISO 3166-1 alpha-2 of registration, upper case; "" when unknown
	ASN     uint32 // 0 when unknown
	ASOrg   string // the AS organisation name as published; "" when unknown
}

// Source is one dataset a snapshot was built from.
type Source struct{ Name, Version, License, Attribution, URL string }

// Meta names a snapshot so that every report can say which data it used.
type Meta struct {
	Name    string    // e.g. "embargo-ipdata"
	Built   time.Time // when the snapshot was built (or the file's date)
	Digest  string    // "sha256:..." of the snapshot bytes
	Sources []Source
}

// DB answers lookups. Implementations are safe for concurrent use.
type DB interface {
	// Lookup returns what is known of a; an IPv4-mapped IPv6 address is
	// looked up as IPv4. It does not allocate.
	Lookup(a netip.Addr) Info
	Meta() Meta
	// PrefixesOf calls yield for each prefix (or range split into
	// prefixes) whose ASN is one of asns, in address order (IPv4 first),
	// until yield returns false.
	PrefixesOf(asns []uint32, yield func(netip.Prefix, Info) bool)
}

// Input formats Build reads.
const (
	FormatRIR          = "rir-delegated"     // RIR delegated(-extended) statistics: registry|cc|type|start|value|date|status...
	FormatIP2ASN       = "ip2asn"            // iptoasn ip2asn-{combined,v4,v6,v4-u32}.tsv: start, end, ASN, country, description
	FormatIPLDBCountry = "ipldb-country-csv" // ip-location-db country CSV: start,end,country
	FormatIPLDBASN     = "ipldb-asn-csv"     // ip-location-db asn CSV: start,end,asn,organisation
	FormatMMDB         = "mmdb"              // MaxMind DB: GeoLite2/GeoIP2 Country or ASN, IPinfo, ip-location-db
)

// Input is one upstream file for Build. Format is one of the Format*
// constants, or empty to sniff it from the content.
type Input struct {
	Name   string // as the user named it; used in errors and as the default Source name
	Format string
	R      io.Reader
}

// Limits on what is read; anything beyond them is refused with an error.
const (
	MaxFileSize    = 1 << 30 // bytes of a snapshot or MMDB file, or of one Build input
	MaxBodySize    = 1 << 28 // uncompressed bytes of a snapshot body
	MaxMetaSize    = 1 << 16 // bytes of the META section
	MaxCountries   = 1 << 10 // distinct country codes
	MaxOrgs        = 1 << 21 // distinct organisation names
	MaxOrgLen      = 512     // bytes of one organisation name
	MaxASes        = 1 << 22 // distinct (ASN, organisation) pairs
	MaxInfos       = 1 << 23 // distinct (country, AS) pairs
	MaxSegments    = 1 << 25 // segments per address family
	MaxRows        = 1 << 25 // records per Build input
	MaxLineLen     = 1 << 12 // bytes of one line of a text input
	MaxBadLines    = 1000    // malformed lines tolerated per Build input, each noted
	MaxMMDBRecords = 1 << 25 // networks walked in one MMDB
	maxNotes       = 200     // notes kept; the rest are counted
)

// EmbeddedName is the Meta.Name of the embedded snapshot.
const EmbeddedName = "embargo-ipdata"

//go:embed data/embargo-ipdata.snap
var embedded []byte

// Embedded returns the snapshot compiled into the binary, decoded once
// per process (or taken from the table cache, if EmbeddedCached loaded
// it first).
func Embedded() (DB, error) {
	s, err := loadEmbedded("")
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Open reads a snapshot file written by Snapshot.Write, or a MaxMind DB
// file (told apart by content), and returns it as a DB.
func Open(path string) (DB, error) { return openFile(path, "") }

// openFile is Open, with a snapshot's tables cached in cacheDir ("" for
// none) as OpenCached does.
func openFile(path, cacheDir string) (DB, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("ipdata: open: %w", err)
	}
	defer f.Close()
	b, err := readLimited(f, path)
	if err != nil {
		return nil, err
	}
	if bytes.HasPrefix(b, []byte(magic)) {
		s, err := OpenCached(b, path, cacheDir)
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	if !isMMDB(b) {
		return nil, fmt.Errorf("ipdata: %s: offset 0: neither an Embargo IP snapshot (magic %q) nor a MaxMind DB", path, magic)
	}
	s, err := fromMMDB(b, path)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// readLimited reads all of r, refusing more than MaxFileSize bytes.
func readLimited(r io.Reader, name string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("ipdata: reading %s: %w", name, err)
	}
	if len(b) > MaxFileSize {
		return nil, fmt.Errorf("ipdata: %s: larger than %d bytes", name, MaxFileSize)
	}
	return b, nil
}
