package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/egress/collect"
)

// ExplainAggregate writes what a traffic finding is about, for a person:
// the traffic (from which system, how much, when, where it was read),
// the destination's three answers (names, network, registered country)
// and which decided, the entity and its control chain up to the
// controlling country.
func ExplainAggregate(w io.Writer, a *collect.Aggregate) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "Traffic    from system %s to %s\n", a.System, a.Destination)
	fmt.Fprintf(b, "  sent %s in %d packets, received %s in %d packets, %d flows", Bytes(a.BytesOut), a.PacketsOut,
		Bytes(a.BytesIn), a.PacketsIn, a.Flows)
	if a.RejectedFlows > 0 {
		fmt.Fprintf(b, " (%d refused on the way)", a.RejectedFlows)
	}
	fmt.Fprintf(b, "\n  first seen %s, last seen %s\n", when(a.First), when(a.Last))
	if len(a.Sources) > 0 {
		fmt.Fprintf(b, "  from %s\n", joinStrings(a.Sources))
	}
	for _, s := range a.Samples {
		fmt.Fprintf(b, "  read at %s\n", s)
	}
	fmt.Fprintln(b, "\nDestination")
	fmt.Fprintf(b, "  addresses  %s\n", joinStrings(a.Addrs))
	fmt.Fprintf(b, "  names      %s\n", orNone(strings.Join(a.Names, ", ")))
	var nets []string
	for i, n := range a.ASNs {
		s := fmt.Sprintf("AS%d", n)
		if i < len(a.ASOrgs) {
			s += " " + a.ASOrgs[i]
		}
		nets = append(nets, s)
	}
	fmt.Fprintf(b, "  network    %s\n", orNone(strings.Join(nets, "; ")))
	fmt.Fprintf(b, "  registered %s\n", orNone(strings.Join(a.RegisteredCountries, ", ")))
	if a.Tier == catalog.TierHosting {
		fmt.Fprintf(b, "  tier       hosting: a network %s runs for others; the host there is its customer's, under %s's jurisdiction\n", a.EntityName, a.ControllingCountry)
	} else if a.Tier != "" {
		fmt.Fprintf(b, "  tier       %s\n", a.Tier)
	}
	fmt.Fprintf(b, "  decided by %s", a.DecidedBy)
	if a.Evidence != "" {
		fmt.Fprintf(b, ": %s", a.Evidence)
	}
	if a.Source != "" {
		fmt.Fprintf(b, " (catalogue source %s)", a.Source)
	}
	fmt.Fprintf(b, "%s\n", marked(a.Local))
	if a.Local {
		fmt.Fprintf(b, "  local      a fact from a local catalogue file decided, not the built-in catalogue alone\n")
	}
	if a.Entity != "" {
		fmt.Fprintf(b, "\nSupplier   %s (%s)\n", a.EntityName, a.Entity)
		fmt.Fprintf(b, "Control chain  %s\n", strings.Join(a.Chain, " → "))
	}
	fmt.Fprintf(b, "Controlling country  %s\n", orNone(a.ControllingCountry))
	return b.Flush()
}

func joinStrings[T fmt.Stringer](as []T) string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = a.String()
	}
	return orNone(strings.Join(parts, ", "))
}

func orNone(s string) string {
	if s == "" {
		return "none seen"
	}
	return s
}
