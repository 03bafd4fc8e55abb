package report

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"slices"
)

// What GitHub code scanning accepts of an uploaded SARIF file, as its
// documentation states it (docs.github.com):
//
//   - "SARIF support for code scanning" and "SARIF results exceed one or
//     more limits": at most 25,000 results per run (a file with more is
//     rejected; only the top 5,000 by severity are displayed), 25,000
//     rules per run, 20 runs per file, 1,000 locations per result, 20
//     tags per rule (10 displayed).
//   - "SARIF file is too large": the upload is at most 10 MB once
//     gzip-compressed (the upload action and the API take it gzipped),
//     taken here as 10,000,000 bytes, the smaller reading of "MB".
//
// Since 2025-07-21 GitHub rejects a file holding several runs of the same
// tool and category (github.blog changelog "Code scanning will stop
// combining multiple SARIF runs uploaded in the same SARIF file"), so a
// log too large is not split into runs: it is capped, keeping the most
// severe results, and says so.
const (
	GitHubMaxResults   = 25000
	GitHubMaxRules     = 25000
	GitHubMaxLocations = 1000
	GitHubMaxRuleTags  = 20
	GitHubMaxGzipBytes = 10_000_000
)

// sarifLimits are the caps an encoder applies; zero fields are GitHub's.
type sarifLimits struct {
	results   int
	gzipBytes int
}

func (l sarifLimits) orGitHub() sarifLimits {
	if l.results <= 0 {
		l.results = GitHubMaxResults
	}
	if l.gzipBytes <= 0 {
		l.gzipBytes = GitHubMaxGzipBytes
	}
	return l
}

// levelRank orders levels by how much a result matters: errors are kept
// first when a log must be capped, as GitHub itself shows the most severe.
var levelRank = map[string]int{"error": 0, "warning": 1, "note": 2, "none": 3}

// mostSevere returns the n results that matter most (errors, then
// warnings, then notes; report order within a level), in report order;
// results itself when they are n or fewer.
func mostSevere(results []sarifResult, n int) []sarifResult {
	if len(results) <= n {
		return results
	}
	idx := make([]int, len(results))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return levelRank[results[a].Level] - levelRank[results[b].Level] })
	keep := idx[:n]
	slices.Sort(keep)
	out := make([]sarifResult, n)
	for i, k := range keep {
		out[i] = results[k]
	}
	return out
}

// cappedNote says how many results a capped log leaves out and why.
func cappedNote(kept, total int, lim sarifLimits, bySize bool) string {
	why := fmt.Sprintf("GitHub code scanning accepts at most %s results per run", thousands(lim.results))
	if bySize {
		why = fmt.Sprintf("GitHub code scanning accepts a SARIF file of at most %s bytes gzip-compressed", thousands(lim.gzipBytes))
	}
	return fmt.Sprintf("%s: this log holds the %s most severe of %s results (errors first, then warnings, then notes) and leaves out %s; -o json lists them all",
		why, thousands(kept), thousands(total), thousands(total-kept))
}

// thousands writes n with commas: 25000 → 25,000.
func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// marshalSARIF writes a log as indented JSON.
func marshalSARIF(log sarifLog) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(log); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// gzipSize is the size of data gzip-compressed at the default level, as
// an upload compresses it.
func gzipSize(data []byte) int {
	var n countingWriter
	zw := gzip.NewWriter(&n)
	zw.Write(data) // a countingWriter never fails
	zw.Close()
	return int(n)
}

type countingWriter int

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}

var _ io.Writer = (*countingWriter)(nil)
