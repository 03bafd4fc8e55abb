// Package parts reads a large file of a format that can be split
// (egress.Splitter) in parts, one per core, each into a collector of its
// own that is renumbered and merged into the aggregator's in order, so
// that the result is the one a reading in one piece gives.
package parts
