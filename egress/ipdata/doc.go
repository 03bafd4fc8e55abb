// Package ipdata answers, offline, who holds an IP address: the country
// where the address block is registered, the autonomous system that
// announces it and that AS's organisation name. Embargo uses it to
// attribute a flow's destination to a network owner (Kaspersky's,
// Huawei Cloud's, ByteDance's ASNs) and to a country of registration,
// and to turn a supplier's ASNs into block lists (PrefixesOf).
//
// # The embedded snapshot
//
// Embedded returns a snapshot committed under data/, built from two
// CC BY 4.0 datasets published on npm by the ip-location-db project
// (data/NOTICE names them, their versions and the attribution they
// require; Meta carries the same so that every report can name it):
//
//   - @ip-location-db/asn-country: country of registration, from the five
//     RIRs' delegated statistics (NRO). It is chosen over
//     geo-whois-asn-country because that one lets operators' geofeeds
//     and WHOIS override the registry, which says where an address is
//     used, not where it is registered, and the latter is what the
//     instruments ask about.
//   - @ip-location-db/asn: ASN and AS organisation, from RouteViews'
//     prefix-to-AS tables, the RIRs' statistics and DB-IP's IP-to-ASN
//     Lite (organisation names).
//
// The npm copies have known data bugs and stopped updating in 2026, so
// users should refresh from the upstream formats: Build reads RIR
// delegated(-extended) statistics, iptoasn's ip2asn TSV, the
// ip-location-db CSVs and MaxMind/IPinfo MMDB files; Open reads a
// snapshot written by Snapshot.Write or an .mmdb directly.
//
// Rebuild the embedded snapshot (needs npm and the network to the npm
// registry) with
//
//	go generate ./egress/ipdata
//
// which runs internal/gen: it fetches the packages with `npm pack` into
// a temporary directory, builds data/embargo-ipdata.snap and rewrites
// data/NOTICE and the test excerpts in testdata/. The output depends only
// on the packages and the build time; pass -built (RFC 3339) to
// reproduce a committed snapshot byte for byte.
//
// # Snapshot format (version 1)
//
// A 16-byte header — magic "EMBIPDB\x00", format version (uint16, big
// endian), flags (uint16, zero), uncompressed body length (uint32) —
// then one gzip member holding the body. The body is a sequence of
// tagged sections in a fixed order, integers as unsigned varints:
//
//	META  JSON {name, built, sources}
//	CTRY  sorted two-letter country codes
//	ORGS  sorted, distinct AS organisation names
//	ASES  (ASN, organisation) pairs sorted by ASN, ASNs delta-coded
//	INFO  distinct (country, AS) pairs; index 0 is "unknown"
//	SEG4  IPv4 partition: segment start deltas, then info indexes
//	SEG6  IPv6 partition: the same with 128-bit deltas (two varints)
//	END.
//
// Each family is a partition of its whole address space into segments
// starting at address 0, each running to the next one's start, so a
// lookup is a single search and no overlap can be expressed. The reader
// checks every bound, order and limit (the Max* constants) and names
// the offset of what it rejects; Meta.Digest is the SHA-256 of the file.
//
// # Lookups
//
// Lookups use sorted segment starts behind a 65,536-entry first-level
// index on the top 16 bits and a binary search within the bucket; no
// allocation, no locks. BenchmarkLookup compares this with bart prefix
// tables and with maxminddb-golang on the same address mix.
package ipdata

//go:generate go run ./internal/gen -out data/embargo-ipdata.snap -notice data/NOTICE -excerpt testdata
