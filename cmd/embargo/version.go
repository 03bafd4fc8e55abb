package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/embargo-dev/embargo/feed"
	"github.com/embargo-dev/embargo/oui"
	"github.com/embargo-dev/embargo/report"
)

// versionReport is what `embargo version` says: the build, and the data
// this binary would judge by, named as reports name it (report.Data,
// report.Catalog, report.IPData), so that a verdict in a report can be
// matched to the installation that gave it.
type versionReport struct {
	buildInfo
	// Config is the configuration file read ("" when none was found).
	Config string `json:"config"`
	// Data is the report's data block: built-in or feed, the versions
	// and digests of the catalogue and packs, local files, staleness.
	Data *report.Data `json:"data"`
	// DataBuilt is when the data was built: the feed's targets' build,
	// or the commit the binary's own data came with.
	DataBuilt time.Time      `json:"data_built,omitzero"`
	Catalog   report.Catalog `json:"catalog"`
	Packs     versionPacks   `json:"packs"`
	IPData    versionIPData  `json:"ip_data"`
	MAC       versionMAC     `json:"mac_registry"`
}

// versionPacks are the built-in packs in use.
type versionPacks struct {
	Count  int      `json:"count"`
	IDs    []string `json:"ids"`
	Digest string   `json:"digest"`
}

// versionIPData is the IP data in use and where it was loaded from.
type versionIPData struct {
	report.IPData
	From string `json:"from"` // "embedded" or a file
}

// versionMAC is the IEEE MAC address registry in use.
type versionMAC struct {
	oui.Source
	Assignments int    `json:"assignments"`
	Digest      string `json:"digest"`
	From        string `json:"from"` // "embedded" or a file
}

func newVersionCmd() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Say which build this is and which catalogue, packs, IP data and MAC registry it judges by",
		Long: `Version prints embargo's version, commit and build date, the Go version and platform it was
built with, and the data it judges by: the catalogue (built-in or a feed's, its version, date,
digest and size), the policy packs (their ids and digest), the IP data and the IEEE MAC address
registry (source, date, digest and where each was loaded from), and the configuration file read.
'embargo --version' prints the same text.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output != "text" && output != "json" {
				return fmt.Errorf("-o %q: give text or json", output)
			}
			v, err := versionNow(cmd)
			if err != nil {
				return err
			}
			if output == "json" {
				return writeJSON(cmd.OutOrStdout(), v)
			}
			return v.write(cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text|json")
	return cmd
}

// versionNow gathers the version report of this run.
func versionNow(cmd *cobra.Command) (*versionReport, error) {
	v := &versionReport{buildInfo: currentBuild(), Config: configUsed(cmd)}
	ref, err := dataRef(defaultMaxDataAge, time.Now())
	if err != nil {
		return nil, fmt.Errorf("the catalogue and packs in use: %w", err)
	}
	v.Data = ref
	d, err := dataInUse()
	if err != nil {
		return nil, err
	}
	// The binary's own data is as old as its commit, or its stamped date.
	v.DataBuilt = commitTime()
	if t, err := time.Parse(time.RFC3339, v.Date); err == nil && v.DataBuilt.IsZero() {
		v.DataBuilt = t
	}
	if d.Feed != nil {
		v.DataBuilt = time.Time{}
		for _, t := range d.Feed.Targets {
			if t.Built.After(v.DataBuilt) {
				v.DataBuilt = t.Built
			}
		}
	}
	v.Catalog = report.CatalogOf(d.Catalog)
	packs, err := packsInUse()
	if err != nil {
		return nil, err
	}
	v.Packs = versionPacks{Count: len(packs), IDs: []string{}, Digest: ref.Packs.Digest}
	for _, p := range packs {
		v.Packs.IDs = append(v.Packs.IDs, p.ID)
	}
	db, err := ipDB("")
	if err != nil {
		return nil, fmt.Errorf("the IP data: %w", err)
	}
	v.IPData = versionIPData{IPData: *report.IPDataOf(db.Meta()), From: ipDataFrom(d)}
	reg, err := ouiInUse()
	if err != nil {
		return nil, err
	}
	v.MAC = versionMAC{Source: reg.Source(), Assignments: reg.Len(), Digest: reg.Digest(), From: reg.from}
	v.MAC.Files = nil // the listings' names and digests are in 'embargo data show'
	return v, nil
}

// ipDataFrom says where ipDB("") loads the IP data from, by the same
// order: the installed feed's, the snapshot 'embargo data update' wrote,
// or the embedded one.
func ipDataFrom(d feed.Data) string {
	if d.IPData != "" {
		return d.IPData
	}
	if p, err := ipDataFile(); err == nil {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "embedded"
}

// write prints the report as text, one fact a line.
func (v *versionReport) write(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "embargo %s\n", v.Version)
	fmt.Fprintf(&b, "  commit        %s\n", orUnknown(v.Commit, v.Modified))
	fmt.Fprintf(&b, "  built         %s\n", orUnknown(v.Date, false))
	fmt.Fprintf(&b, "  go            %s %s\n", v.Go, v.Platform)
	src := v.Data.Source
	if v.Data.Source == "feed" {
		src = fmt.Sprintf("feed version %d from %s", v.Data.FeedVersion, v.Data.From)
		if v.Data.Catalog.Version != "" {
			src += ", data " + v.Data.Catalog.Version
		}
		if !v.Data.TimestampExpires.IsZero() {
			src += ", timestamp valid until " + v.Data.TimestampExpires.UTC().Format(time.DateOnly)
		}
	}
	if !v.DataBuilt.IsZero() {
		src += ", built " + v.DataBuilt.UTC().Format(time.DateOnly)
	}
	fmt.Fprintf(&b, "data            %s\n", src)
	c := v.Catalog
	fmt.Fprintf(&b, "  catalogue     %s, %d entities, %d products, %d identifiers\n", c.Digest, c.Entities, c.Products, c.Identifiers)
	for _, l := range v.Data.Local {
		fmt.Fprintf(&b, "  local file    %s %s\n", l.File, l.Digest)
	}
	fmt.Fprintf(&b, "  packs         %s, %d packs\n", v.Packs.Digest, v.Packs.Count)
	writeWrapped(&b, "                ", v.Packs.IDs, 100)
	ip := v.IPData
	fmt.Fprintf(&b, "  IP data       %s, built %s, %s (%s)\n", ip.Name, ip.Built.UTC().Format(time.DateOnly), ip.Digest, ip.From)
	m := v.MAC
	name := m.Name
	if m.Version != "" {
		name += " " + m.Version
	}
	fmt.Fprintf(&b, "  MAC registry  %s, listings of %s, %d assignments, %s (%s)\n", name, m.Date.UTC().Format(time.DateOnly), m.Assignments, m.Digest, m.From)
	if v.Data.Stale != "" {
		fmt.Fprintf(&b, "  STALE         %s\n", v.Data.Stale)
	}
	config := v.Config
	if config == "" {
		config = "none (" + strings.Join(configCandidates(), ", ") + ")"
	}
	fmt.Fprintf(&b, "config          %s\n", config)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeWrapped writes words comma-separated, in lines of at most width
// characters that begin with indent.
func writeWrapped(b *strings.Builder, indent string, words []string, width int) {
	line := indent
	for i, w := range words {
		if i < len(words)-1 {
			w += ","
		}
		if line != indent && len(line)+1+len(w) > width {
			b.WriteString(line + "\n")
			line = indent
		}
		if line != indent {
			line += " "
		}
		line += w
	}
	if line != indent {
		b.WriteString(line + "\n")
	}
}

func orUnknown(s string, modified bool) string {
	if s == "" {
		return "unknown"
	}
	if modified {
		return s + " (with uncommitted changes)"
	}
	return s
}

// versionTemplate is what `embargo --version` prints: the text of
// `embargo version`, through cobra's version template (which can only
// call template functions).
func versionTemplate(root *cobra.Command) func() (string, error) {
	return func() (string, error) {
		v, err := versionNow(root)
		if err != nil {
			return "", err
		}
		var b strings.Builder
		err = v.write(&b)
		return b.String(), err
	}
}
