package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/embargo-dev/embargo/finding"
	"github.com/embargo-dev/embargo/policy"
)

// tableListMax bounds the hosts and waivers listed one per line.
const tableListMax = 20

// tableFindings writes the findings part of the table: findings grouped
// by instrument, then by deadline, two lines each (the finding, its
// effect and where it is; then its state, rule, severity and product);
// then the waivers that decided nothing and the hosts that matched no
// system, or several.
func tableFindings(bw *bufio.Writer, r *Report, width int) {
	fmt.Fprintf(bw, "Findings (%d)\n\n", len(r.Findings))
	if len(r.Findings) == 0 {
		fmt.Fprintf(bw, "No rule of the policy matched.\n\n")
	}
	const indent = "    "
	head := []string{"FINDING", "EFFECT", "SYSTEM", "HOST", "ITEM"}
	rows := make([][]string, len(r.Findings))
	for i := range r.Findings {
		rows[i] = findingCells(&r.Findings[i])
	}
	widths := fitColumns(append([][]string{head}, rows...), 2, room(width, len(indent)))
	detailAt := len(indent) + widths[0] + 2
	for _, in := range groupFindings(r.Findings, func(f *finding.Finding) string { return f.Instrument }) {
		first := &r.Findings[in[0]]
		for _, t := range packTitles(r, in) {
			fmt.Fprintln(bw, clip(first.Instrument+" — "+t, width))
		}
		if u := instrumentURL(r, first); u != "" {
			fmt.Fprintln(bw, u)
		}
		ins := findingsAt(r.Findings, in)
		for _, dl := range groupFindings(ins, func(f *finding.Finding) string { return ymd(f.Deadline) }) {
			fmt.Fprintf(bw, "  %s\n", deadlineHeading(findingsAt(ins, dl)))
			writeAligned(bw, indent, widths, head)
			for _, j := range dl {
				k := in[j]
				writeAligned(bw, indent, widths, rows[k])
				fmt.Fprintf(bw, "%s%s\n", strings.Repeat(" ", detailAt), clip(findingDetail(&r.Findings[k]), room(width, detailAt)))
			}
		}
		fmt.Fprintln(bw)
	}
	p := r.Policy
	if len(p.UnusedWaivers) > 0 {
		fmt.Fprintf(bw, "Unused waivers (%d):\n", len(p.UnusedWaivers))
		for i, w := range p.UnusedWaivers {
			if i == tableListMax {
				fmt.Fprintf(bw, "  … and %d more (see -o json)\n", len(p.UnusedWaivers)-tableListMax)
				break
			}
			text, when := unusedWaiverText(w)
			if width <= 0 || cells(text)+2+len(when) <= width-2 {
				fmt.Fprintf(bw, "  %s; %s\n", text, when)
			} else {
				fmt.Fprintf(bw, "  %s\n    %s\n", clip(text, room(width, 2)), when)
			}
		}
		fmt.Fprintln(bw)
	}
	hostList(bw, p.Unregistered, "Hosts that matched no system of %s, judged as its default (%d):\n", p.Systems, width)
	hostList(bw, p.Ambiguous, "Hosts that matched several systems of %s equally well (%d):\n", p.Systems, width)
}

func hostList(bw *bufio.Writer, hosts []string, format, systems string, width int) {
	if len(hosts) == 0 {
		return
	}
	fmt.Fprintf(bw, format, systems, len(hosts))
	for i, h := range hosts {
		if i == tableListMax {
			fmt.Fprintf(bw, "  … and %d more (see -o json)\n", len(hosts)-tableListMax)
			break
		}
		fmt.Fprintf(bw, "  %s\n", clip(h, room(width, 2)))
	}
	fmt.Fprintln(bw)
}

// tablePolicySummary is the summary's second sentence, on the policy.
func tablePolicySummary(bw *bufio.Writer, r *Report) {
	s := r.Summary.Findings
	if s == nil {
		s = &finding.Summary{}
	}
	ids := make([]string, len(r.Policy.Packs))
	for i, p := range r.Policy.Packs {
		ids[i] = p.ID
	}
	packs := strings.Join(ids, ", ")
	if len(packs) > 60 {
		packs = fmt.Sprintf("of %d packs", len(ids))
	}
	fmt.Fprintf(bw, "Policy %s: %s (%d prohibit, %d remove-by, %d warn), %d overdue, %d waived; failing on %s: %d.\n",
		packs, nounCount(s.Open, "open finding"), s.ByEffect[string(policy.Prohibit)], s.ByEffect[string(policy.RemoveBy)],
		s.ByEffect[string(policy.Warn)], s.Overdue, s.Waived, r.Policy.FailOn, s.Failing)
}

// findingCells is the first line of a finding in the table.
func findingCells(f *finding.Finding) []string {
	sys := f.System
	if f.Unregistered {
		sys = "(unregistered)"
	}
	if f.Classification != "" {
		sys += " " + f.Classification
	}
	host := f.Host
	if host == "" {
		host = "-"
	}
	if d := f.Device; d != nil && d.Name != "" {
		host = d.Name
		if d.User != "" {
			host += " · " + d.User
		}
		host += " (" + f.Host + ")"
	}
	return []string{f.ID, string(f.Effect), sys, host, findingItemText(f)}
}

// findingDetail is the second line of a finding in the table: state,
// rule, severity and product, the longest last.
func findingDetail(f *finding.Finding) string {
	parts := []string{findingStateText(f), "rule " + f.Rule}
	if f.Error != "" {
		parts = append(parts, "undecided: "+f.Error)
	}
	parts = append(parts, string(f.Severity)+" severity")
	if p := findingProductText(f); p != "" {
		parts = append(parts, p)
	}
	return strings.Join(parts, " · ")
}

// groupFindings splits the indexes of fs into groups of equal key, in
// order of first appearance.
func groupFindings(fs []finding.Finding, key func(*finding.Finding) string) [][]int {
	var out [][]int
	at := map[string]int{}
	for i := range fs {
		k := key(&fs[i])
		g, ok := at[k]
		if !ok {
			g = len(out)
			at[k] = g
			out = append(out, nil)
		}
		out[g] = append(out[g], i)
	}
	return out
}

func findingsAt(fs []finding.Finding, idx []int) []finding.Finding {
	out := make([]finding.Finding, len(idx))
	for i, j := range idx {
		out[i] = fs[j]
	}
	return out
}

// packTitles names the packs of an instrument's findings.
func packTitles(r *Report, idx []int) []string {
	var titles []string
	seen := map[string]bool{}
	for _, i := range idx {
		f := &r.Findings[i]
		if seen[f.Pack] {
			continue
		}
		seen[f.Pack] = true
		t := f.Title
		if t == "" {
			t = packRef(r, f.Pack).Title
		}
		if t == "" {
			t = f.Pack
		}
		titles = append(titles, t)
	}
	return titles
}

func packRef(r *Report, id string) finding.PackRef {
	if r.Policy != nil {
		for _, p := range r.Policy.Packs {
			if p.ID == id {
				return p
			}
		}
	}
	return finding.PackRef{}
}

func instrumentURL(r *Report, f *finding.Finding) string {
	if f.URL != "" {
		return f.URL
	}
	return packRef(r, f.Pack).URL
}

// deadlineHeading heads the findings of one deadline: "remove by
// 2017-12-12 — overdue by 2728 days".
func deadlineHeading(fs []finding.Finding) string {
	f := &fs[0]
	if f.Deadline.IsZero() {
		return "no deadline"
	}
	verb := "remove by"
	for i := range fs {
		if fs[i].Effect == policy.Warn {
			verb = "deadline"
		}
	}
	return verb + " " + ymd(f.Deadline) + " — " + findingDueText(f)
}

// unusedWaiverText says that a waiver decides nothing, and until when
// it is in force.
func unusedWaiverText(w finding.WaiverRef) (text, when string) {
	note := w.Note
	if note == "" {
		note = "decides no finding of this scan"
	}
	when = "in force until " + ymd(w.Expiry)
	if w.Expired {
		when = "expired on " + ymd(w.Expiry)
	}
	return fmt.Sprintf("waiver %s (%s) %s", w.ID, w.Where, note), when
}

// FindingsTable writes only the findings part of the table and the policy
// summary line, for reports whose other parts are not items (the flows
// report), fitted to DefaultWidth.
func FindingsTable(w io.Writer, r *Report) error { return findingsOnly(w, r, DefaultWidth) }

// findingsOnly is FindingsTable fitted to width (0: no limit).
func findingsOnly(w io.Writer, r *Report, width int) error {
	bw := bufio.NewWriter(w)
	tableFindings(bw, r, width)
	if r.Policy != nil {
		tablePolicySummary(bw, r)
	}
	return bw.Flush()
}
