package report

// SARIFWithLimits is a SARIF encoder whose caps on results and on the
// gzip-compressed size are lowered from GitHub's, for tests of what a
// capped log keeps and says.
func SARIFWithLimits(results, gzipBytes int, warn func(string)) SARIF {
	return SARIF{Warn: warn, limits: sarifLimits{results: results, gzipBytes: gzipBytes}}
}
