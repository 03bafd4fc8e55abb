package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/embargo-dev/embargo/feed"
)

// Data names the catalogue and packs a report was judged by: the
// binary's own ("built-in") or an installed data feed's, with the feed's
// version and when its timestamp expires, so that a verdict can be traced
// to the facts that decided it. Stale says why the data is older than the
// run allowed.
//
// Local lists the department's local catalogue files added to it, each
// with its digest (the catalogue's digest then ends "+local:" and their
// digest), and Overrides the facts of the catalogue they replace.
type Data struct {
	Source           string         `json:"source"` // built-in or feed
	FeedVersion      int64          `json:"feed_version,omitempty"`
	From             string         `json:"from,omitempty"`
	TimestampExpires time.Time      `json:"timestamp_expires,omitzero"`
	Catalog          DataTarget     `json:"catalog"`
	Packs            DataTarget     `json:"packs"`
	Local            []DataLocal    `json:"local,omitempty"`
	Overrides        []DataOverride `json:"overrides,omitempty"`
	Stale            string         `json:"stale,omitempty"`
}

// DataLocal is one local catalogue file: as it was named, and the
// SHA-256 of its bytes.
type DataLocal struct {
	File   string `json:"file"`
	Digest string `json:"digest"`
}

// DataOverride is a fact of the catalogue a local file replaced: what it
// was (source, entity, product, instrument), its id, where it was
// defined, the override (file and line) and its reason.
type DataOverride struct {
	What     string `json:"what"`
	ID       string `json:"id"`
	Replaced string `json:"replaced"`
	By       string `json:"by"`
	Reason   string `json:"reason"`
}

// Text is the override in words.
func (o DataOverride) Text() string {
	return fmt.Sprintf("%s %s (%s) replaced by %s: %s", o.What, o.ID, o.Replaced, o.By, o.Reason)
}

// DataTarget is one part of the data: its version as its publishers name
// it (none for built-in data) and its digest.
type DataTarget struct {
	Version string `json:"version,omitempty"`
	Digest  string `json:"digest"`
}

// DataOf names the data d holds: built-in or a feed's, with the feed's
// version, source and timestamp, and the catalogue's and packs' versions
// and digests. What is stale, and local files, are the caller's to add.
func DataOf(d feed.Data) *Data {
	ref := &Data{Source: "built-in", Catalog: DataTarget{Digest: d.Catalog.Digest()}}
	if n := len(ref.Catalog.Digest); len(d.Digest) > n+1 {
		ref.Packs.Digest = d.Digest[n+1:]
	}
	if f := d.Feed; f != nil {
		ref.Source, ref.FeedVersion, ref.From, ref.TimestampExpires = "feed", f.Version, f.From, f.Timestamp
		ref.Catalog.Version = f.Targets[feed.CatalogTarget].Version
		ref.Packs.Version = f.Targets[feed.PacksTarget].Version
	}
	return ref
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
	if len(d.Local) > 0 {
		files := make([]string, len(d.Local))
		for i, l := range d.Local {
			files[i] = l.File + " " + short(l.Digest)
		}
		s += fmt.Sprintf(", with local catalogue files %s", strings.Join(files, ", "))
	}
	s += "."
	for _, o := range d.Overrides {
		s += " OVERRIDE: " + o.Text() + "."
	}
	if d.Stale != "" {
		s += " STALE: " + d.Stale
	}
	return s
}

// Cell is the data as one CSV cell: key=value pairs, space-separated,
// with the whole digests ("" when the report names no data).
func (d *Data) Cell() string {
	if d == nil {
		return ""
	}
	parts := []string{"source=" + d.Source}
	if d.Source == "feed" {
		parts = append(parts, fmt.Sprintf("feed_version=%d", d.FeedVersion))
		if d.Catalog.Version != "" {
			parts = append(parts, "version="+d.Catalog.Version)
		}
	}
	parts = append(parts, "catalogue="+d.Catalog.Digest, "packs="+d.Packs.Digest)
	for _, l := range d.Local {
		parts = append(parts, "local="+l.Digest)
	}
	if len(d.Overrides) > 0 {
		parts = append(parts, fmt.Sprintf("overrides=%d", len(d.Overrides)))
	}
	if d.Stale != "" {
		parts = append(parts, "stale=true")
	}
	return strings.Join(parts, " ")
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
