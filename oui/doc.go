// Package oui says which organisation the IEEE Registration Authority
// assigned a MAC address's block to: the public listings of MAC Address
// Block Large (MA-L, a 24-bit OUI), Medium (MA-M, 28 bits), Small (MA-S,
// 36 bits, formerly OUI-36) and the older Individual Address Blocks (IAB,
// 36 bits), as the IEEE RA publishes them and Debian's ieee-data package
// ships them. Embargo uses it to name who made a device seen only by its
// address on the network (a Hikvision camera sold under another label
// still carries Hikvision's block).
//
// # Input: the IEEE listings as CSV
//
// FromCSV and FromFiles read the CSV listings (/usr/share/ieee-data/
// oui.csv, mam.csv, oui36.csv and iab.csv in Debian's ieee-data; the same
// files are offered for download from the IEEE RA's public listing). Each
// starts with the header
//
//	Registry,Assignment,Organization Name,Organization Address
//
// then one record per assignment, RFC 4180 quoting (addresses may span
// lines), CRLF line ends: Registry is MA-L, MA-M, MA-S or IAB, Assignment
// the assigned bits in hexadecimal (6, 7 or 9 digits). The Registry field,
// not the file's name, says what a record is. Runs of white space in the
// names and addresses (tabs and line breaks occur) are folded into one
// space, and a C1 control character (U+0080-U+009F: one IAB address of
// the 2022 listing holds one, mojibake for "Ý") becomes U+FFFD, so that
// no name can carry a terminal control sequence. Anything else — a wrong header, an unknown
// registry, a prefix of the wrong length or not hexadecimal, an empty
// organisation, a control character, invalid UTF-8, a field, file or
// count over the limits — is an *inventory.InputError naming the file and
// its line: the registry is a source of truth, so a damaged listing is
// refused whole rather than read in part.
//
// Blocks the IEEE RA keeps to subdivide are listed in MA-L under the
// organisation "IEEE Registration Authority" (00-1B-C5, 70-B3-D5 and
// 8C-1F-64 hold MA-S assignments; 00-50-C2 and 40-D8-55 the IABs; others
// hold MA-M assignments); an MA-M's first 24 bits are such a block even
// when the MA-L listing omits it. A MAC address in such a block is
// attributed only through its MA-M, MA-S or IAB assignment, never to the
// Registration Authority. Lookup takes the longest assigned prefix.
// Addresses with the U/L bit (0x02 of the first octet: locally
// administered, as randomised Wi-Fi addresses are) or the I/G bit (0x01:
// group) set have no assignment, although about twenty 1980s MA-L entries
// have those bits set: they name blocks from before the bits' meaning.
// A few early MA-L prefixes are listed two or three times with different
// organisations; Lookup gives the first listed and the rest in Others.
//
// References: IEEE RA, "Guidelines for Use of Extended Unique Identifier
// (EUI), Organizationally Unique Identifier (OUI), and Company ID (CID)"
// (the I/G and U/L bits; MA-M and OUI-36 blocks taken from
// IEEE-assigned OUIs); the IEEE RA's MA-L, MA-M and MA-S product pages;
// Debian's ieee-data package (README.Debian, update-ieee-data(8)); see
// testdata/SOURCES.md.
//
// # The compact form
//
// Registry.Write writes, and Load reads, this package's own format: a
// 16-byte header — magic "EMBOUI\x00\x00", format version (uint16, big
// endian), flags (uint16, zero), uncompressed body length (uint32) —
// then one gzip member holding the body, integers as unsigned varints:
//
//	META  length, JSON {name, version, date, files: [{name, sha256, records}]}
//	ORGS  count, each name's length, then the names end to end: every
//	      distinct organisation name, sorted
//	MA-L, MA-M, MA-S, IAB, each: count, then each assignment's prefix
//	      as the difference from the one before (prefixes ascending; 0
//	      repeats one), then each one's organisation as an index in ORGS
//
// The Organization Address is checked when a listing is read but not
// kept: it would be 1.7 MB of a 2.6 MB body, and most of its load time.
//
// Load checks every length, index, order and limit and names the offset
// of what it refuses. Digest is the SHA-256 of the whole file.
//
// # Lookups
//
// Each 24-bit block (MA-L, or the block of MA-M, MA-S and IAB
// assignments) is one entry of an open-addressing hash table holding
// its MA-L organisation, so that an address in an MA-L costs one random
// memory access; a block with longer assignments has them sorted for a
// binary search. Lookup parses the colon and hyphen forms without
// scanning twice and allocates nothing. BenchmarkLookup16 looks up a /16
// network's 65,536 addresses; BenchmarkLoadEmbedded decodes the
// embedded registry, which Embedded does once per process, on first use.
//
// # The embedded snapshot
//
// Embedded returns data/oui.bin, built from the ieee-data package
// installed here (its version and the date of its listings are in the
// META and in data/NOTICE) by
//
//	go generate ./oui
//
// which runs internal/gen (it needs `apt-get install ieee-data`).
// 'embargo data update --from /usr/share/ieee-data' builds a newer one
// from a refreshed listing (update-ieee-data writes to /var/lib/ieee-data).
package oui

//go:generate go run ./internal/gen -dir /usr/share/ieee-data -out data/oui.bin -notice data/NOTICE -excerpt testdata
