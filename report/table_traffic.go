package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/egress/collect"
)

// trafficTable writes a traffic report for people: the traffic by
// source system and destination, the findings when a policy judged it,
// what could not be read, and a one-line summary.
func trafficTable(w io.Writer, r *Report) error {
	t := r.Traffic
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "Traffic by source system and destination (%d)\n", len(t.Aggregates))
	tw := tabwriter.NewWriter(bw, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  SYSTEM\tDESTINATION\tCONTROLLED FROM\tBY\tSENT\tRECEIVED\tFLOWS\tLAST SEEN\tNAMES / NETWORK")
	for i, a := range t.Aggregates {
		if i == 50 {
			fmt.Fprintf(tw, "  … and %d more (see -o json)\n", len(t.Aggregates)-50)
			break
		}
		dest := a.Destination
		if a.EntityName != "" {
			dest = clip(a.EntityName, 40)
			if a.Tier == catalog.TierHosting {
				dest = "hosted by " + clip(a.EntityName, 30)
			}
		}
		if a.Local {
			dest += " " + localMark
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", clip(a.System, 24), dest, a.ControllingCountry, a.DecidedBy,
			Bytes(a.BytesOut), Bytes(a.BytesIn), a.Flows, when(a.Last), clip(network(&a), 50))
	}
	tw.Flush()
	fmt.Fprintln(bw)
	bw.Flush()
	if r.Policy != nil {
		if err := FindingsTable(w, r); err != nil {
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
