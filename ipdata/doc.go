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
//	go generate ./ipdata
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
// # Table cache (format version 1)
//
// Decoding the embedded snapshot costs about 60-90 ms of CPU, paid by
// every run. EmbeddedCached and OpenCached keep the decoded tables in
// a cache directory (CacheDir: $EMBARGO_CACHE_DIR, "off" for none, else
// embargo/ipdata under os.UserCacheDir), in a file named by the first
// 16 hex digits of the snapshot's SHA-256 plus ".tables", which later
// runs map and use in place (about 4 ms, most of it the SHA-256 that
// Meta.Digest needs and the checksum). A miss decodes and writes the
// file through a temporary file renamed into place.
//
// The file is little endian, its arrays as the tables hold them in
// memory, each section starting at a multiple of 8 bytes (zero padding):
//
//	header, 96 bytes:
//	  0  magic "EMBIPDC\x00"
//	  8  format version (uint32), flags (uint32, zero)
//	 16  SHA-256 of the snapshot file the tables were decoded from
//	 48  CRC-32C (Castagnoli) of every byte after the header (uint32),
//	     reserved (uint32, zero)
//	 56  counts (uint32 each): META bytes, countries, organisation-name
//	     bytes, infos, IPv4 segments, IPv6 segments, second-level index
//	     entries; reserved (uint32, zero)
//	 88  file length (uint64)
//	META       the snapshot's META JSON
//	countries  two bytes each, ascending; index 0 (none) is implied
//	orgs       the organisation names, end to end
//	infos      12 bytes each: ASN (uint32), name offset in orgs (uint32),
//	           name length (uint16), country index (uint16); info 0 is zero
//	seg4       uint64 each: start<<32 | info index
//	index4     65,537 uint32: first-level index of seg4
//	seg6       16 bytes each: start's high 64 bits, info index (uint32),
//	           zero (uint32)
//	lo6        uint64 each: the starts' low 64 bits
//	index6     65,537 uint32: first-level index of seg6
//	subOf      65,536 uint32: per top-16-bit bucket, 1 + its block in sub, or 0
//	sub        blocks of 4,097 uint32: second-level indexes of seg6
//
// The counts fix every offset. The directory is the user's to write, so
// a reader takes the file as hostile: it checks magic, version, digest,
// counts against the Max* limits and the file length, the checksum, and
// then every country code, every info's country and name within their
// tables, segment starts ascending from 0 with infos in range, and
// every index ascending and within its table, so that no lookup on what
// it accepts can fail; anything refused is decoded again and rewritten.
// Machines that are big endian or align uint64 to 4 bytes do not use
// the cache.
//
// # Lookups
//
// Lookups use sorted segment starts behind a 65,536-entry first-level
// index on the top 16 bits and a binary search within the bucket; no
// allocation, no locks. BenchmarkLookup compares this with bart prefix
// tables and with maxminddb-golang on the same address mix.
package ipdata

//go:generate go run ./internal/gen -out data/embargo-ipdata.snap -notice data/NOTICE -excerpt testdata
