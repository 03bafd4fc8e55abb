package finding

// Verdict is what a judge concluded: the policy that judged, the findings
// in the report's order, and their summary.
type Verdict struct {
	Policy   *PolicyRun
	Findings []Finding
	Summary  *Summary
}
