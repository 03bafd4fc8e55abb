package server

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/store"
)

// itemDocs are a report's items as the fleet keeps them for re-judging:
// each as JSON without the host (the same package on two hosts is one
// item), each distinct item once.
func itemDocs(rep *report.Report) ([]store.ItemDoc, error) {
	out := make([]store.ItemDoc, 0, len(rep.Items))
	seen := make(map[int64]bool, len(rep.Items))
	for i := range rep.Items {
		it := rep.Items[i].Item
		if it == nil {
			continue
		}
		c := *it
		c.Location.Host = ""
		doc, err := json.Marshal(&c)
		if err != nil {
			return nil, fmt.Errorf("item %s: %w", it.ID, err)
		}
		d := store.NewItemDoc(doc)
		if !seen[d.Key] {
			seen[d.Key] = true
			out = append(out, d)
		}
	}
	return out, nil
}

// decodeItem reads an item kept by itemDocs.
func decodeItem(d store.ItemDoc) (*inventory.Item, error) {
	var it inventory.Item
	if err := json.Unmarshal(d.Doc, &it); err != nil {
		return nil, fmt.Errorf("stored item %x: %w", uint64(d.Key), err)
	}
	return &it, nil
}

// findingDigest names what a finding says: its fields and said, its
// evidence without the day it was judged on. Re-judging that comes to
// the same digests leaves the host as it is.
func findingDigest(f store.Finding, said []byte) string {
	h := sha256.New()
	for _, s := range []string{string(f.Kind), f.ItemKey, f.Pack, f.Rule, f.Instrument, f.Title, f.URL, f.Effect, f.Item, f.Version,
		f.Product, f.Supplier, f.Country, f.Deadline.UTC().Format(time.RFC3339Nano)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	h.Write(said)
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// entryDigest names an item's evidence entry as any host shows it: the
// item (without its host) and its attribution.
func entryDigest(e *report.Entry) string {
	e = evidenceEntry(e)
	if e == nil {
		return ""
	}
	c := *e
	if e.Item != nil {
		it := *e.Item
		it.Location.Host = ""
		c.Item = &it
	}
	b, err := json.Marshal(&c)
	if err != nil {
		return "unencodable"
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}
