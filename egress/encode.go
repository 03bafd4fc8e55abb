package egress

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/report"
)

// Formats are the output formats of a flows report.
var Formats = []string{"table", "json", "csv", "sarif"}

// Encode writes r in format.
func Encode(w io.Writer, format string, r *Report) error {
	switch format {
	case "table":
		return encodeTable(w, r)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	case "csv":
		if r.Policy != nil {
			return report.CSV{}.Encode(w, r.AsScanReport())
		}
		return encodeCSV(w, r)
	case "sarif":
		if r.Policy == nil {
			return errors.New("SARIF output of flows lists policy findings: give --policy")
		}
		return report.SARIF{}.Encode(w, r.AsScanReport())
	}
	return fmt.Errorf("unknown output format %q (want %s)", format, strings.Join(Formats, ", "))
}

func encodeTable(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "Traffic by source system and destination (%d)\n", len(r.Aggregates))
	tw := tabwriter.NewWriter(bw, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  SYSTEM\tDESTINATION\tCONTROLLED FROM\tBY\tSENT\tRECEIVED\tFLOWS\tLAST SEEN\tNAMES / NETWORK")
	for i, a := range r.Aggregates {
		if i == 50 {
			fmt.Fprintf(tw, "  … and %d more (see -o json)\n", len(r.Aggregates)-50)
			break
		}
		dest := a.Destination
		if a.EntityName != "" {
			dest = clip(a.EntityName, 40)
			if a.Tier == catalog.TierHosting {
				dest = "hosted by " + clip(a.EntityName, 30)
			}
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", clip(a.System, 24), dest, a.ControllingCountry, a.DecidedBy,
			Bytes(a.BytesOut), Bytes(a.BytesIn), a.Flows, when(a.Last), clip(network(&a), 50))
	}
	tw.Flush()
	fmt.Fprintln(bw)
	bw.Flush()
	if r.Policy != nil {
		if err := report.FindingsTable(w, r.AsScanReport()); err != nil {
			return err
		}
		fmt.Fprintln(w)
	}
	bw = bufio.NewWriter(w)
	if len(r.Bads) > 0 {
		fmt.Fprintf(bw, "Could not read (%d) — not compliant until resolved:\n", r.Stats.Bad)
		for i, b := range r.Bads {
			if i == 20 {
				fmt.Fprintf(bw, "  … and %d more (see -o json)\n", r.Stats.Bad-20)
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
	s := r.Stats
	fmt.Fprintf(bw, "%d flows and %d DNS answers read from %d inputs; %d bad records.\n", s.Flows, s.DNSAnswers, len(r.Inputs), s.Bad)
	return bw.Flush()
}

func network(a *Aggregate) string {
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

func clip(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
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

// csvHeader is the header of the aggregates CSV.
var csvHeader = []string{"system", "classification", "unregistered", "destination", "entity", "controlling_country", "decided_by",
	"evidence", "registered_countries", "asns", "as_orgs", "names", "bytes_out", "bytes_in", "packets_out", "packets_in",
	"flows", "conversations", "first_seen", "last_seen", "sample"}

func encodeCSV(w io.Writer, r *Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, a := range r.Aggregates {
		var asns []string
		for _, n := range a.ASNs {
			asns = append(asns, "AS"+strconv.FormatUint(uint64(n), 10))
		}
		sample := ""
		if len(a.Samples) > 0 {
			sample = a.Samples[0].String()
		}
		row := []string{a.System, a.Classification, strconv.FormatBool(a.Unregistered), a.Destination, a.Entity, a.ControllingCountry,
			string(a.DecidedBy), a.Evidence, strings.Join(a.RegisteredCountries, " "), strings.Join(asns, " "), strings.Join(a.ASOrgs, "; "),
			strings.Join(a.Names, " "), u(a.BytesOut), u(a.BytesIn), u(a.PacketsOut), u(a.PacketsIn), u(a.Flows), u(a.Conversations),
			rfc(a.First), rfc(a.Last), sample}
		for i, c := range row {
			row[i] = report.CSVCell(c)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func u(n uint64) string { return strconv.FormatUint(n, 10) }

func rfc(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
