package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/embargo-dev/embargo/egress/collect"
	"github.com/embargo-dev/embargo/finding"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/policy"
)

// sarifFindingFingerprint names the partial fingerprint of a finding's
// result: the finding id, stable across runs for the same system, rule
// and item.
const sarifFindingFingerprint = "embargoFinding/v1"

// findingSeverity puts a rule's severity on GitHub's security-severity
// scale (0.0-10.0; 9.0 and above is "critical", 7.0 "high", 4.0
// "medium").
var findingSeverity = map[policy.Severity]string{
	policy.Critical: "9.5",
	policy.High:     "8.0",
	policy.Medium:   "5.5",
	policy.Low:      "3.0",
}

// effectLevel is the SARIF level of an effect: a breach is an error, a
// risk to decide on a warning.
func effectLevel(e policy.Effect) string {
	if e == policy.Warn {
		return "warning"
	}
	return "error"
}

// findings are one result per finding of the report, in report order;
// each policy rule is recorded once.
func (b *sarifBuilder) findings() []sarifResult {
	r := b.r
	items := make(map[string]*inventory.Item, len(r.Items))
	for _, e := range r.Items {
		if e.Item != nil {
			items[e.ID] = e.Item
		}
	}
	var flows map[[2]string]*collect.Aggregate
	if r.Traffic != nil {
		flows = make(map[[2]string]*collect.Aggregate, len(r.Traffic.Aggregates))
		for i := range r.Traffic.Aggregates {
			a := &r.Traffic.Aggregates[i]
			flows[[2]string{a.System, a.Destination}] = a
		}
	}
	out := make([]sarifResult, 0, len(r.Findings))
	for i := range r.Findings {
		f := &r.Findings[i]
		id := f.Pack + "/" + f.Rule
		b.rule(id, func() sarifRule { return findingRule(id, f, r) })
		res := sarifResult{
			RuleID:              id,
			Level:               effectLevel(f.Effect),
			Message:             sarifText{Text: findingMessage(f)},
			Locations:           []sarifLocation{b.findingLocation(f, items[f.Item], flows[[2]string{f.System, f.Item}])},
			PartialFingerprints: map[string]string{sarifFindingFingerprint: f.ID},
			Properties:          findingProperties(f),
		}
		if f.State == finding.Waived {
			res.Level = "note"
			res.Suppressions = []sarifSuppression{{Kind: "external", Status: "accepted", Justification: waiverJustification(f.Waiver)}}
		}
		out = append(out, res)
	}
	return out
}

// findingLocation is where the finding's item was found; for a finding
// of traffic, where the first flow of its aggregate was read (the
// destination is a logical location); otherwise the first input, with
// the item's name as a logical location.
func (b *sarifBuilder) findingLocation(f *finding.Finding, it *inventory.Item, flow *collect.Aggregate) sarifLocation {
	if it != nil {
		return b.paths.location(it.Location, it.Name, it)
	}
	l := inventory.Location{Source: "-"}
	switch {
	case flow != nil && len(flow.Samples) > 0:
		s := flow.Samples[0]
		l = inventory.Location{Source: s.Source, Line: s.Line, Ref: s.Record}
	case len(b.r.Inputs) > 0:
		l.Source = b.r.Inputs[0].Source
	}
	loc := b.paths.location(l, f.ItemName, nil)
	switch {
	case flow != nil:
		loc.LogicalLocations = append(loc.LogicalLocations, sarifLogicalLocation{Name: f.ItemName, FullyQualifiedName: flow.Destination, Kind: "resource"})
	case f.ItemName != "":
		loc.LogicalLocations = append(loc.LogicalLocations, sarifLogicalLocation{Name: f.ItemName, FullyQualifiedName: f.ItemName})
	}
	return loc
}

// findingMessage says what breaks which rule where, where it stands
// against its deadline and what its waiver says.
func findingMessage(f *finding.Finding) string {
	var b strings.Builder
	b.WriteString(findingItemText(f))
	if p := findingProductText(f); p != "" {
		fmt.Fprintf(&b, " (%s)", p)
	}
	if f.Unregistered {
		fmt.Fprintf(&b, " on host %s, which matched no registered system (judged as %s),", textOr(f.Host, "-"), textOr(f.Classification, "-"))
	} else {
		fmt.Fprintf(&b, " on system %s (%s)", f.System, textOr(f.Classification, "-"))
		if f.Host != "" {
			fmt.Fprintf(&b, ", host %s,", f.Host)
		}
	}
	fmt.Fprintf(&b, " breaks rule %s of %s: %s, %s severity; ", f.Rule, f.Instrument, f.Effect, f.Severity)
	if d := ymd(f.Deadline); d != "" {
		fmt.Fprintf(&b, "deadline %s, %s", d, findingDueText(f))
	} else {
		b.WriteString("no deadline")
	}
	switch w := f.Waiver; {
	case f.State == finding.Waived && w != nil:
		fmt.Fprintf(&b, "; waived by %s (%s) until %s: %s; approved by %s", w.ID, w.Where, ymd(w.Expiry), w.Reason, w.Approver)
	case w != nil && w.Expired:
		note := w.Note
		if note == "" {
			note = fmt.Sprintf("waiver %s expired on %s", w.ID, ymd(w.Expiry))
		}
		fmt.Fprintf(&b, "; %s, the finding stands again", note)
	}
	if f.Error != "" {
		fmt.Fprintf(&b, "; the rule could not be decided (%s), and undecided is never compliant", f.Error)
	}
	b.WriteString(".")
	return b.String()
}

// waiverJustification says why a waived finding is not acted on: the
// waiver's reason, approver, expiry and place.
func waiverJustification(w *finding.WaiverRef) string {
	if w == nil {
		return "waived"
	}
	return fmt.Sprintf("%s; approved by %s; expires %s (waiver %s, %s)", w.Reason, w.Approver, ymd(w.Expiry), w.ID, w.Where)
}

// findingProperties are the finding's own fields, for tools that read
// the log.
func findingProperties(f *finding.Finding) map[string]any {
	p := map[string]any{
		"finding_id":     f.ID,
		"state":          f.State,
		"effect":         f.Effect,
		"severity":       f.Severity,
		"instrument":     f.Instrument,
		"pack":           f.Pack,
		"rule":           f.Rule,
		"system":         f.System,
		"classification": f.Classification,
		"item_id":        f.Item,
		"due":            f.Due,
	}
	set := func(k string, v string) {
		if v != "" {
			p[k] = v
		}
	}
	set("system_name", f.SystemName)
	set("host", f.Host)
	set("product", f.Product)
	set("supplier", f.Supplier)
	set("controlling_country", f.Country)
	set("deadline", ymd(f.Deadline))
	set("error", f.Error)
	if f.Unregistered {
		p["unregistered"] = true
	}
	if f.Local {
		p["local"] = true
	}
	if len(f.Tags) > 0 {
		p["system_tags"] = f.Tags
	}
	if f.Due != finding.NoDeadline && f.Due != "" {
		p["days_left"] = f.DaysLeft
	}
	if !f.FirstSeen.IsZero() {
		p["first_seen"] = f.FirstSeen.UTC().Format(time.RFC3339)
	}
	if f.Waiver != nil {
		p["waiver"] = f.Waiver
	}
	return p
}

// findingRule describes a policy rule by the first of its findings: the
// clause, the instrument and its URL, the effect and the deadline.
func findingRule(id string, f *finding.Finding, r *Report) sarifRule {
	title, issued := f.Instrument, ""
	if r.Cat != nil {
		if in := r.Cat.Instrument(f.Instrument); in != nil {
			title, issued = in.Title, strings.Trim(in.Issuer+", "+in.Date, ", ")
		}
	}
	url := instrumentURL(r, f)
	pack := f.Title
	if pack == "" {
		pack = packRef(r, f.Pack).Title
	}
	deadline := deadlineRuleText(f)
	rl := sarifRule{
		ID:               id,
		Name:             f.Rule,
		ShortDescription: sarifText{Text: f.Clause},
		FullDescription: sarifText{Text: fmt.Sprintf("%s (%s): %s. Effect %s, severity %s; deadline: %s.",
			title, f.Instrument, strings.TrimSuffix(f.Clause, "."), f.Effect, f.Severity, deadline)},
		HelpURI: url,
		Properties: map[string]any{
			"tags":              []string{"embargo", "policy", f.Instrument},
			"security-severity": findingSeverity[f.Severity],
			"precision":         "high",
		},
	}
	if rl.HelpURI == "" {
		rl.HelpURI = ToolURL
	}
	rl.DefaultConfiguration.Level = effectLevel(f.Effect)

	var text, md strings.Builder
	fmt.Fprintf(&text, "%s", title)
	if url != "" {
		fmt.Fprintf(&md, "**[%s](%s)**", mdEscape(title), url)
	} else {
		fmt.Fprintf(&md, "**%s**", mdEscape(title))
	}
	if issued != "" {
		fmt.Fprintf(&text, " (%s)", issued)
		fmt.Fprintf(&md, " (%s)", mdEscape(issued))
	}
	text.WriteString("\n")
	md.WriteString("\n\n")
	if url != "" {
		fmt.Fprintf(&text, "%s\n", url)
	}
	fmt.Fprintf(&text, "\nClause: %s\n\n", f.Clause)
	fmt.Fprintf(&md, "> %s\n\n", mdEscape(f.Clause))
	fmt.Fprintf(&text, "Effect: %s, severity %s. Deadline: %s.\n", f.Effect, f.Severity, deadline)
	fmt.Fprintf(&md, "Effect: **%s**, severity %s. Deadline: %s.\n\n", f.Effect, f.Severity, mdEscape(deadline))
	if pack != "" {
		fmt.Fprintf(&text, "Policy pack %s: %s; rule %s.\n", f.Pack, pack, f.Rule)
		fmt.Fprintf(&md, "Policy pack `%s`: %s; rule `%s`.\n\n", f.Pack, mdEscape(pack), f.Rule)
	} else {
		fmt.Fprintf(&text, "Policy pack %s, rule %s.\n", f.Pack, f.Rule)
		fmt.Fprintf(&md, "Policy pack `%s`, rule `%s`.\n\n", f.Pack, f.Rule)
	}
	todo := effectAdvice(f.Effect)
	fmt.Fprintf(&text, "\n%s", todo)
	fmt.Fprintf(&md, "%s\n", todo)
	rl.Help = sarifMultiText{Text: text.String(), Markdown: md.String()}
	return rl
}

// effectAdvice says what a finding of an effect asks for.
func effectAdvice(e policy.Effect) string {
	const waiver = "or record a waiver naming the finding id, which keeps the finding listed, marked as waived, until the waiver expires."
	switch e {
	case policy.Prohibit:
		return "The software must not be present on the system: remove it, " + waiver
	case policy.RemoveBy:
		return "Remove the software from the system by the deadline, " + waiver
	}
	return "A risk to decide on, not a breach: decide whether the software may stay, and record the decision as a waiver naming the finding id."
}

// deadlineRuleText says how a rule sets its deadline: "2017-12-12", "90
// days after the pack's effective date (2017-12-12)", "30 days after the
// finding is first seen", "none".
func deadlineRuleText(f *finding.Finding) string {
	d := f.DeadlineRule
	switch {
	case d != nil && !d.Date.IsZero():
		return ymd(d.Date)
	case d != nil && d.From == policy.FromFirstSeen:
		return nounCount(d.DaysAfter, "day") + " after the finding is first seen"
	case d != nil:
		return fmt.Sprintf("%s after the pack's effective date (%s)", nounCount(d.DaysAfter, "day"), ymd(f.Deadline))
	case !f.Deadline.IsZero():
		return ymd(f.Deadline)
	}
	return "none"
}
