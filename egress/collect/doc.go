// Package collect adds traffic up: the Collector keeps each conversation
// (source, destination, port, protocol) in a table of its own, with the
// DNS answers its client received; the Aggregator attributes each
// destination (attribute/destination) and adds the conversations up per
// source system and destination into Aggregates, the subject of the
// traffic judge. Readers write to it through Sink (package flows reads
// the inputs, egress/parts a large file in parts).
package collect
