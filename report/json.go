package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"

	"github.com/embargo-dev/embargo/finding"
)

// JSON writes the report as one JSON document following
// schema/report.schema.json. Items are written one at a time, so the
// output of a large SBOM is never held in memory whole.
type JSON struct{}

// Name implements Encoder.
func (JSON) Name() string { return "json" }

// SchemaURL identifies the report schema.
const SchemaURL = "https://github.com/embargo-dev/embargo/blob/main/schema/report.schema.json"

// jsonHead is everything before the items, in schema order.
type jsonHead struct {
	Schema    string             `json:"$schema"`
	Version   string             `json:"schema_version"`
	Tool      Tool               `json:"tool"`
	Generated any                `json:"generated"`
	Catalog   Catalog            `json:"catalog"`
	Data      *Data              `json:"data,omitempty"`
	Inputs    []Input            `json:"inputs"`
	Summary   Summary            `json:"summary"`
	Policy    *finding.PolicyRun `json:"policy,omitempty"`
}

// Encode implements Encoder.
func (JSON) Encode(w io.Writer, r *Report) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	head, err := json.MarshalIndent(jsonHead{SchemaURL, SchemaVersion, r.Tool, r.Generated, r.Catalog, r.Data, r.Inputs, r.Summary, r.Policy}, "", "  ")
	if err != nil {
		return err
	}
	bw.Write(bytes.TrimSuffix(head, []byte("\n}")))
	bw.WriteString(",\n  \"items\": [")
	for i, e := range r.Items {
		if i > 0 {
			bw.WriteByte(',')
		}
		b, err := json.MarshalIndent(e, "    ", "  ")
		if err != nil {
			return err
		}
		bw.WriteString("\n    ")
		bw.Write(b)
	}
	if len(r.Items) > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteString("],\n")
	type field struct {
		key string
		v   any
	}
	tails := []field{{"unknowns", r.unknownsJSON()}}
	if len(r.Devices) > 0 {
		tails = append(tails, field{"devices", r.Devices})
	}
	if r.Traffic != nil {
		tails = append(tails, field{"traffic", r.Traffic})
	}
	if len(r.Notes) > 0 {
		tails = append(tails, field{"notes", r.Notes})
	}
	if r.Policy != nil {
		tails = append(tails, field{"findings", nonNil(r.Findings)})
	}
	for i, t := range tails {
		if err := tail(bw, t.key, t.v, i < len(tails)-1); err != nil {
			return err
		}
	}
	bw.WriteString("}\n")
	return bw.Flush()
}

func tail(bw *bufio.Writer, key string, v any, more bool) error {
	b, err := json.MarshalIndent(v, "  ", "  ")
	if err != nil {
		return err
	}
	bw.WriteString("  \"" + key + "\": ")
	bw.Write(b)
	if more {
		bw.WriteByte(',')
	}
	bw.WriteByte('\n')
	return nil
}

// nonNil writes an empty list as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
