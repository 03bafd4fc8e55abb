package ipdata

import (
	"bytes"
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"

	"github.com/oschwald/maxminddb-golang/v2"
)

// mmdbMarker starts an MMDB's metadata section, near the end of the file.
var mmdbMarker = []byte("\xAB\xCD\xEFMaxMind.com")

func isMMDB(b []byte) bool {
	tail := b[max(0, len(b)-128<<10):]
	return bytes.Contains(tail, mmdbMarker)
}

// fromMMDB converts a whole MMDB into a snapshot, so that lookups are
// as fast and allocation-free as the embedded data's and PrefixesOf
// works. Its Meta is the database's: type, build time, and the SHA-256
// of the .mmdb file.
func fromMMDB(data []byte, name string) (*Snapshot, error) {
	db, err := maxminddb.OpenBytes(data)
	if err != nil {
		return nil, fmt.Errorf("ipdata: %s: %w", name, err)
	}
	b := &builder{inputs: []Input{{Name: name, Format: FormatMMDB}}}
	src, err := b.readMMDB(0, name, data)
	if err != nil {
		return nil, err
	}
	s, err := b.finish(Meta{Name: db.Metadata.DatabaseType, Built: db.Metadata.BuildTime().UTC(), Sources: []Source{src}})
	if err != nil {
		return nil, err
	}
	s.meta.Digest = digestOf(data)
	return s, nil
}

// readMMDB walks every network of an MMDB into rows. Records are read
// as generic maps, since the vendors' schemas differ (see infoOf), and
// decoded once per distinct record.
func (b *builder) readMMDB(idx int, name string, data []byte) (Source, error) {
	src := Source{Name: name}
	db, err := maxminddb.OpenBytes(data)
	if err != nil {
		return src, fmt.Errorf("ipdata: build: %s: %w", name, err)
	}
	md := db.Metadata
	src.Version = strings.TrimSpace(md.DatabaseType + " " + md.BuildTime().UTC().Format("2006-01-02"))
	src.Attribution = md.Description["en"]
	cache := map[uintptr]Info{}
	n := 0
	for res := range db.Networks() {
		if err := res.Err(); err != nil {
			return src, fmt.Errorf("ipdata: build: %s: network %d: %w", name, n, err)
		}
		// A search tree of N nodes has at most N+1 leaves; walking more
		// means nodes are shared (a hostile file), whose walk could be
		// exponential.
		if n++; n > MaxMMDBRecords || uint(n) > md.NodeCount+1 {
			return src, fmt.Errorf("ipdata: build: %s: network %d: more networks than the limit %d or the %d tree nodes allow", name, n, MaxMMDBRecords, md.NodeCount)
		}
		in, ok := cache[res.Offset()]
		if !ok {
			var rec map[string]any
			if err := res.Decode(&rec); err != nil {
				return src, fmt.Errorf("ipdata: build: %s: record at data offset %d (%s): %w", name, res.Offset(), res.Prefix(), err)
			}
			in = infoOf(rec)
			cache[res.Offset()] = in
		}
		if in == (Info{}) {
			continue
		}
		p := res.Prefix()
		if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
		}
		width := 128
		if p.Addr().Is4() {
			width = 32
		}
		r := row{country: in.Country, asn: in.ASN, org: in.ASOrg, input: idx, line: n}
		r.start = fromAddr(p.Masked().Addr())
		m := lowMask(width - p.Bits())
		r.end = u128{r.start.hi | m.hi, r.start.lo | m.lo}
		b.add(r, width == 128)
	}
	return src, nil
}

// infoOf reads a record in any of the common schemas: MaxMind GeoIP2 /
// GeoLite2 Country, City and ASN (registered_country or country
// .iso_code; autonomous_system_number/_organization), IPinfo (country
// or country_code as a code; asn "AS123"; as_name) and ip-location-db's
// (country_code; autonomous_system_*). The registered country is
// preferred, being the country of registration Embargo reports.
func infoOf(rec map[string]any) Info {
	var in Info
	for _, c := range []string{
		isoCode(rec["registered_country"]), isoCode(rec["country"]),
		str(rec["country_code"]), str(rec["country"]),
	} {
		if c = strings.ToUpper(c); validCountry(c) {
			in.Country = c
			break
		}
	}
	for _, v := range []any{rec["autonomous_system_number"], rec["asn"]} {
		if n, ok := asNumber(v); ok {
			in.ASN = n
			break
		}
	}
	if in.ASN != 0 {
		for _, k := range []string{"autonomous_system_organization", "as_name"} {
			if o, err := orgName(str(rec[k])); err == nil && o != "" {
				in.ASOrg = o
				break
			}
		}
	}
	return in
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func isoCode(v any) string {
	m, _ := v.(map[string]any)
	return str(m["iso_code"])
}

// asNumber reads an ASN given as a number or as "AS123".
func asNumber(v any) (uint32, bool) {
	var n uint64
	switch x := v.(type) {
	case uint64:
		n = x
	case uint32:
		n = uint64(x)
	case uint16:
		n = uint64(x)
	case int:
		n = uint64(max(x, 0))
	case int32:
		n = uint64(max(x, 0))
	case int64:
		n = uint64(max(x, 0))
	case string:
		u, err := strconv.ParseUint(strings.TrimPrefix(strings.ToUpper(x), "AS"), 10, 32)
		if err != nil {
			return 0, false
		}
		n = u
	default:
		return 0, false
	}
	if n == 0 || n > math.MaxUint32 {
		return 0, false
	}
	return uint32(n), true
}
