package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/finding"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/policy"
)

// ExplainFinding writes the whole chain behind one finding for a person:
// the item and its evidence, product, supplier, parents and controlling
// country (as Explain), then the system, the rule, the instrument's clause
// and URL, the deadline and the waiver, if any. it and v are the finding's
// item and its attribution (nil when the item was not attributed).
func ExplainFinding(w io.Writer, f finding.Finding, it *inventory.Item, v *attribute.View) error {
	if err := explain(w, it, v); err != nil {
		return err
	}
	return FindingChain(w, f)
}

// FindingChain writes the part of a finding's explanation that follows
// what it is about (an item, or traffic): the system, the rule, the
// instrument's clause and URL, the deadline and the waiver.
func FindingChain(w io.Writer, f finding.Finding) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "\nSystem     %s", f.System)
	if f.SystemName != "" {
		fmt.Fprintf(b, " (%s)", f.SystemName)
	}
	fmt.Fprintf(b, ", classification %s", f.Classification)
	if len(f.Tags) > 0 {
		fmt.Fprintf(b, ", tags %s", strings.Join(f.Tags, ", "))
	}
	fmt.Fprintln(b)
	if f.Unregistered {
		fmt.Fprintf(b, "           host %q matched no system of the register and was judged as its default\n", f.Host)
	} else if f.Host != "" {
		fmt.Fprintf(b, "           host %s\n", f.Host)
	}
	if f.Department != "" || f.Owner != "" {
		fmt.Fprintf(b, "           department %s, owner %s\n", orDash(f.Department), orDash(f.Owner))
	}
	fmt.Fprintf(b, "\nFinding    %s: %s, %s severity, %s\n", f.ID, f.Effect, f.Severity, f.State)
	fmt.Fprintf(b, "Rule       %s of pack %s\n", f.Rule, f.Pack)
	fmt.Fprintf(b, "Instrument %s", f.Instrument)
	if f.Title != "" {
		fmt.Fprintf(b, ": %s", f.Title)
	}
	fmt.Fprintln(b)
	fmt.Fprintf(b, "  clause    %q\n", f.Clause)
	if f.URL != "" {
		fmt.Fprintf(b, "  source    %s\n", f.URL)
	}
	fmt.Fprintf(b, "Deadline   %s\n", deadlineText(f))
	if f.Error != "" {
		fmt.Fprintf(b, "Undecided  the rule could not be evaluated (%s); an undecided rule is never compliant\n", f.Error)
	}
	switch w := f.Waiver; {
	case w == nil:
		fmt.Fprintln(b, "Waiver     none")
	case w.Expired:
		fmt.Fprintf(b, "Waiver     %s (%s) expired on %s: the finding stands again\n", w.ID, w.Where, w.Expiry.Format(policy.DateLayout))
		fmt.Fprintf(b, "           was: %s; approved by %s\n", w.Reason, w.Approver)
	default:
		fmt.Fprintf(b, "Waiver     %s (%s), in force until %s\n", w.ID, w.Where, w.Expiry.Format(policy.DateLayout))
		fmt.Fprintf(b, "           %s; approved by %s\n", w.Reason, w.Approver)
	}
	return b.Flush()
}

// deadlineText says when f must be resolved and where it stands.
func deadlineText(f finding.Finding) string {
	seen := "first seen " + f.FirstSeen.UTC().Format(policy.DateLayout)
	if f.Deadline.IsZero() {
		return "none set by the instrument; " + seen
	}
	s := f.Deadline.Format(policy.DateLayout)
	if d := f.DeadlineRule; d != nil && d.DaysAfter > 0 {
		from := "the instrument's effective date"
		if d.From == policy.FromFirstSeen {
			from = "the first sighting"
		}
		s += fmt.Sprintf(" (%d days after %s)", d.DaysAfter, from)
	}
	return s + ", " + DueText(f.Due, f.DaysLeft) + "; " + seen
}

// DueText says where a deadline stands: "overdue by N days", "due in N
// days", "due today".
func DueText(d finding.Due, days int) string {
	switch {
	case d == finding.NoDeadline:
		return "no deadline"
	case d == finding.Overdue:
		return fmt.Sprintf("overdue by %d %s", -days, plural(-days, "day"))
	case days == 0:
		return "due today"
	}
	return fmt.Sprintf("due in %d %s", days, plural(days, "day"))
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
