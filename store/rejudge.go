package store

import (
	"crypto/sha256"
	"encoding/binary"
	"time"
)

// ItemDoc is one distinct inventory item as the fleet keeps it: its JSON
// (with no host: the same package on two hosts is one item), and the
// first and next 8 bytes of the JSON's SHA-256 as its key and check.
type ItemDoc struct {
	Key, Check int64
	Doc        []byte
}

// NewItemDoc keys an item's JSON.
func NewItemDoc(doc []byte) ItemDoc {
	sum := sha256.Sum256(doc)
	return ItemDoc{Key: int64(binary.BigEndian.Uint64(sum[:8])), Check: int64(binary.BigEndian.Uint64(sum[8:16])), Doc: doc}
}

// RejudgeJob is one claimed batch (Batch, its number within the
// version) of the re-judging of Version (made for Reason), held by Owner
// until its lease lapses.
type RejudgeJob struct {
	Version int64
	Reason  string
	Owner   string
	Batch   int64
	Lease   time.Duration
}

// RejudgeInput is what judging a claimed host again needs.
type RejudgeInput struct {
	Host Host
	// Received is when its inventory was received (zero: it has none).
	Received time.Time
	// Keys are its items' keys (ItemDoc), when Indexed; otherwise Report
	// is its inventory as uploaded (hosts from before the index, and
	// hosts with a key collision).
	Indexed bool
	Keys    []int64
	Report  []byte
	// Findings are its findings as stored (no evidence).
	Findings []PriorFinding
	Flows    []FlowSummary
}

// PriorFinding is a stored finding as re-judging compares it.
type PriorFinding struct {
	ID        string
	Kind      Kind
	State     FindingState
	Digest    string
	FirstSeen time.Time
}
