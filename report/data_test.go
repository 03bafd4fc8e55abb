package report_test

import (
	"strings"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/report"
)

// TestDataNamed: a report that names the data it was judged by says so in
// every format that has a place for it — JSON (valid against the
// schema), the table's last line, SARIF's run properties, CycloneDX's
// metadata properties.
func TestDataNamed(t *testing.T) {
	r := policyReport(t)
	r.Data = &report.Data{Source: "feed", FeedVersion: 7, From: "https://feed.example", TimestampExpires: time.Date(2026, 12, 14, 0, 0, 0, 0, time.UTC),
		Catalog: report.DataTarget{Version: "2026.12.7", Digest: "sha256:" + strings.Repeat("a", 64)},
		Packs:   report.DataTarget{Version: "2026.12.7", Digest: strings.Repeat("b", 16)}, Stale: "the feed's timestamp expired 40 days ago"}
	s := compileSchema(t, report.SchemaURL, []schemaFile{{report.SchemaURL, readJSON(t, "../schema/report.schema.json")}})
	js := encode(t, report.JSON{}, r)
	validate(t, s, "with data", js)
	for _, c := range []struct {
		enc  report.Encoder
		want []string
	}{
		{report.JSON{}, []string{`"feed_version": 7`, `"stale": "the feed's timestamp expired 40 days ago"`}},
		{report.Table{}, []string{"Judged by the feed catalogue sha256:aaaaaaaaaaaa and packs bbbbbbbbbbbbbbbb (feed version 7, data 2026.12.7, timestamp valid until 2026-12-14). STALE: the feed's timestamp expired"}},
		{report.SARIF{}, []string{`"data"`, `"feed_version": 7`}},
		{report.CycloneDX{}, []string{`"embargo:data:feed-version"`, `"embargo:data:stale"`}},
	} {
		out := string(encode(t, c.enc, r))
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s output lacks %q", c.enc.Name(), w)
			}
		}
	}
}
