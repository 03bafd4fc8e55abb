// Package netflow receives flow exports from routers, firewalls and
// probes (NetFlow v5, NetFlow v9, IPFIX) and turns each flow record into
// an egress.Flow: the network side of Embargo for sites that already
// export flows rather than keep captures or logs.
//
// A Decoder decodes the datagrams of one exporter and keeps that
// exporter's templates; a Listener receives datagrams on a UDP socket and
// hands each exporter's datagrams to its own Decoder. Both report what
// they cannot decode as egress.Bad and count it; nothing is dropped
// without being counted.
//
// The decoders are written here rather than taken from goflow2: goflow2
// v2.2.6 loops forever (and grows memory without bound) on a 36-byte v9
// datagram that defines a template with no fields and then uses it, and
// allocates for every field of every record (521 allocations for a
// 30-record datagram). These decoders allocate nothing per record beyond
// the record's position string and bound everything an exporter can make
// them keep.
package netflow

import "time"

// Limits bound what a Decoder and a Listener keep for hostile or
// misconfigured exporters. A zero field takes its default.
type Limits struct {
	// MaxTemplates is the number of v9/IPFIX templates one Decoder (one
	// exporter, all its observation domains) keeps; at the cap new
	// templates are refused and reported as Bad. Default 256.
	MaxTemplates int
	// MaxExporters is the number of exporter addresses a Listener keeps a
	// Decoder for; datagrams from further exporters are reported as Bad
	// until an idle exporter is forgotten (after ExporterIdle). Default 256.
	MaxExporters int
	// MaxDatagram is the largest datagram accepted, in bytes; longer ones
	// are reported as Bad. Default 65535 (the largest UDP payload).
	MaxDatagram int
}

// DefaultLimits are the limits a zero Limits field takes. With them the
// templates of all exporters take at most MaxExporters × MaxTemplates ×
// MaxTemplateFields × 4 bytes (64 MiB) even when every exporter is hostile.
var DefaultLimits = Limits{MaxTemplates: 256, MaxExporters: 256, MaxDatagram: 65535}

const (
	// MaxTemplateFields is the most fields a template may declare; real
	// templates have a few dozen. Longer ones are refused as Bad.
	MaxTemplateFields = 256
	// ExporterIdle is how long an exporter must have been silent before a
	// full Listener forgets it (and its templates) to make room for another.
	ExporterIdle = 10 * time.Minute
)

func (l Limits) withDefaults() Limits {
	if l.MaxTemplates <= 0 {
		l.MaxTemplates = DefaultLimits.MaxTemplates
	}
	if l.MaxExporters <= 0 {
		l.MaxExporters = DefaultLimits.MaxExporters
	}
	if l.MaxDatagram <= 0 || l.MaxDatagram > 65535 {
		l.MaxDatagram = DefaultLimits.MaxDatagram
	}
	return l
}

// Counters say what was received and what could not be decoded.
type Counters struct {
	Packets uint64 // datagrams decoded (with or without errors)
	Flows   uint64 // flow records handed to the sink
	// Bad counts Bad reports: undecodable datagrams, sets, records and
	// refused templates. NoTemplate sets are counted here too.
	Bad uint64
	// NoTemplate counts data sets that arrived before their template.
	NoTemplate uint64
	// Dropped counts datagrams the Listener could not take: those the
	// kernel dropped for the socket (from SO_RXQ_OVFL and SO_MEMINFO on
	// Linux) and those refused because the decoding queue was full.
	Dropped uint64
}
