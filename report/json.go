package report

import (
	"bufio"
	"encoding/json"
	"io"
)

// JSON writes the report as one JSON document following
// schema/report.schema.json.
type JSON struct{}

// Name implements Encoder.
func (JSON) Name() string { return "json" }

type jsonReport struct {
	Schema  string `json:"$schema"`
	Version string `json:"schema_version"`
	*Report
}

// SchemaURL identifies the report schema.
const SchemaURL = "https://github.com/embargo-dev/embargo/blob/main/schema/report.schema.json"

// Encode implements Encoder.
func (JSON) Encode(w io.Writer, r *Report) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetIndent("", "  ")
	if err := enc.Encode(jsonReport{Schema: SchemaURL, Version: SchemaVersion, Report: r}); err != nil {
		return err
	}
	return bw.Flush()
}
