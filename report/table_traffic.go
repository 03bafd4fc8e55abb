package report

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/egress/collect"
)

// trafficTable writes a traffic report for people: the traffic by
// source system and destination, the findings when a policy judged it,
// what could not be read, and a one-line summary.
func trafficTable(w io.Writer, r *Report, width int) error {
	t := r.Traffic
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "Traffic by source system and destination (%d)\n", len(t.Aggregates))
	rows := [][]string{{"SYSTEM", "DESTINATION", "CONTROLLED FROM", "BY", "SENT", "RECEIVED", "FLOWS", "LAST SEEN", "SOURCES", "NAMES / NETWORK"}}
	for i, a := range t.Aggregates {
		if i == trafficRowsMax {
			break
		}
		dest := a.Destination
		if a.EntityName != "" {
			dest = a.EntityName
			if a.Tier == catalog.TierHosting {
				dest = "hosted by " + a.EntityName
			}
		}
		if a.Local {
			dest += " " + localMark
		}
		rows = append(rows, []string{a.System, dest, a.ControllingCountry, string(a.DecidedBy),
			Bytes(a.BytesOut), Bytes(a.BytesIn), strconv.FormatUint(a.Flows, 10), when(a.Last), sourcesCell(&a), network(&a)})
	}
	// The source hosts and the names go to a line of their own when the
	// row does not fit.
	writeRows(bw, "  ", rows, width, 0, len(rows[0])-2, -1)
	if len(t.Aggregates) > trafficRowsMax {
		fmt.Fprintf(bw, "  … and %d more (see -o json)\n", len(t.Aggregates)-trafficRowsMax)
	}
	fmt.Fprintln(bw)
	bw.Flush()
	if r.Policy != nil {
		if err := findingsOnly(w, packsNamed(r), width); err != nil {
			return err
		}
		fmt.Fprintln(w)
	}
	bw = bufio.NewWriter(w)
	if len(t.Bads) > 0 {
		fmt.Fprintf(bw, "Could not read (%d) — not compliant until resolved:\n", t.Stats.Bad)
		for i, b := range t.Bads {
			if i == 20 {
				fmt.Fprintf(bw, "  … and %d more (see -o json)\n", t.Stats.Bad-20)
				break
			}
			fmt.Fprintf(bw, "  %s: %s\n", b.Where, b.Reason)
		}
		fmt.Fprintln(bw)
	}
	for _, in := range r.Inputs {
		if in.Error != "" {
			fmt.Fprintf(bw, "Could not read %s: %s\n", in.Source, in.Error)
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(bw, "Note: %s\n", n)
	}
	s := t.Stats
	fmt.Fprintf(bw, "%d flows and %d DNS answers read from %d inputs; %d bad records.\n", s.Flows, s.DNSAnswers, len(r.Inputs), s.Bad)
	writeData(bw, r)
	return bw.Flush()
}

// trafficRowsMax bounds the rows of the traffic table; JSON has them all.
const trafficRowsMax = 50

// packsNamed is r with the title of each finding of a pack whose id is
// not its instrument's id starting with the pack's id: the findings
// table heads each instrument's findings with the instrument's id, and
// the instrument of uk-ncsc-2017-russia-egress is uk-ncsc-2017-russia-av,
// which is also the id of another pack.
func packsNamed(r *Report) *Report {
	c := *r
	c.Findings = slices.Clone(r.Findings)
	for i := range c.Findings {
		f := &c.Findings[i]
		if f.Pack == f.Instrument {
			continue
		}
		t := f.Title
		if t == "" {
			t = packRef(r, f.Pack).Title
		}
		f.Title = "pack " + f.Pack + ": " + t
	}
	return &c
}

// sourcesCell names the source hosts of an aggregate: the first address
// seen, and how many others (-o json and csv list them).
func sourcesCell(a *collect.Aggregate) string {
	switch len(a.Sources) {
	case 0:
		return "-"
	case 1:
		return a.Sources[0].String()
	}
	return fmt.Sprintf("%s +%d", a.Sources[0], len(a.Sources)-1)
}

func network(a *collect.Aggregate) string {
	var parts []string
	if len(a.Names) > 0 {
		parts = append(parts, strings.Join(a.Names, ","))
	}
	for i, n := range a.ASNs {
		s := "AS" + strconv.FormatUint(uint64(n), 10)
		if i < len(a.ASOrgs) {
			s += " " + a.ASOrgs[i]
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

func when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04")
}

// Bytes is a byte count for people: 1.5 MiB.
func Bytes(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := uint64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
