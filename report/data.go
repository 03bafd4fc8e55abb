package report

import (
	"fmt"
	"io"
	"time"
)

// Data names the catalogue and packs a report was judged by: the
// binary's own ("built-in") or an installed data feed's, with the feed's
// version and when its timestamp expires, so that a verdict can be traced
// to the facts that decided it. Stale says why the data is older than the
// run allowed.
type Data struct {
	Source           string     `json:"source"` // built-in or feed
	FeedVersion      int64      `json:"feed_version,omitempty"`
	From             string     `json:"from,omitempty"`
	TimestampExpires time.Time  `json:"timestamp_expires,omitzero"`
	Catalog          DataTarget `json:"catalog"`
	Packs            DataTarget `json:"packs"`
	Stale            string     `json:"stale,omitempty"`
}

// DataTarget is one part of the data: its version as its publishers name
// it (none for built-in data) and its digest.
type DataTarget struct {
	Version string `json:"version,omitempty"`
	Digest  string `json:"digest"`
}

// Text is the data in one line, as the table ends with it.
func (d *Data) Text() string {
	if d == nil {
		return ""
	}
	s := fmt.Sprintf("Judged by the %s catalogue %s and packs %s", d.Source, short(d.Catalog.Digest), short(d.Packs.Digest))
	if d.Source == "feed" {
		s += fmt.Sprintf(" (feed version %d", d.FeedVersion)
		if d.Catalog.Version != "" {
			s += ", data " + d.Catalog.Version
		}
		if !d.TimestampExpires.IsZero() {
			s += ", timestamp valid until " + d.TimestampExpires.UTC().Format(time.DateOnly)
		}
		s += ")"
	}
	s += "."
	if d.Stale != "" {
		s += " STALE: " + d.Stale
	}
	return s
}

// writeData ends a table with the data line, if the report names its
// data.
func writeData(w io.Writer, r *Report) {
	if r.Data != nil {
		fmt.Fprintln(w, r.Data.Text())
	}
}

func short(digest string) string {
	if len(digest) > 19 {
		return digest[:19]
	}
	return digest
}
