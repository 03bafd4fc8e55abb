package server

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/store"
)

// Upload limits. A scan of a large server is a few megabytes of JSON and
// compresses tenfold; these leave room for hosts a hundred times that.
const (
	MaxCompressedUpload   = 32 << 20  // bytes on the wire
	MaxUncompressedUpload = 256 << 20 // bytes after gzip
	// maxUploadsInFlight bounds the uploads decoded at once, since each
	// may hold MaxUncompressedUpload in memory.
	maxUploadsInFlight = 4
)

// DigestHeader carries the SHA-256 of the uncompressed upload body.
const DigestHeader = "Embargo-Digest"

// httpError is a failure with the status the client gets; the message is
// safe to show it.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

func errorf(status int, format string, args ...any) *httpError {
	return &httpError{status: status, msg: fmt.Sprintf(format, args...)}
}

// UploadLimits are the sizes an upload is held to.
type UploadLimits struct {
	Compressed, Uncompressed int64
}

// openUpload checks an upload's body, raw as read (at most
// lim.Compressed bytes): gunzipped (Content-Encoding gzip) to at most
// lim.Uncompressed, and checked against the digest header. It returns the
// uncompressed body and its hex digest.
func openUpload(r *http.Request, raw []byte, lim UploadLimits) ([]byte, string, error) {
	want, err := parseDigest(r.Header.Get(DigestHeader))
	if err != nil {
		return nil, "", err
	}
	var body []byte
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "gzip":
		if body, err = gunzip(raw, lim.Uncompressed); err != nil {
			return nil, "", err
		}
	case "", "identity":
		body = raw
	default:
		return nil, "", errorf(http.StatusUnsupportedMediaType, "content encoding %q: want gzip", enc)
	}
	sum := sha256.Sum256(body)
	if subtle.ConstantTimeCompare(sum[:], want) != 1 {
		return nil, "", errorf(http.StatusBadRequest, "%s does not match the body (body sha256=%s)", DigestHeader, hex.EncodeToString(sum[:]))
	}
	return body, hex.EncodeToString(sum[:]), nil
}

// checkUploadHeaders refuses, before the body is read, an upload whose
// headers already say it cannot be taken.
func checkUploadHeaders(r *http.Request, lim UploadLimits) error {
	if _, err := parseDigest(r.Header.Get(DigestHeader)); err != nil {
		return err
	}
	if r.ContentLength > lim.Compressed {
		return errorf(http.StatusRequestEntityTooLarge, "body of %d bytes is over the %d-byte limit", r.ContentLength, lim.Compressed)
	}
	return nil
}

// parseDigest reads "sha256=<64 hex digits>".
func parseDigest(h string) ([]byte, error) {
	if h == "" {
		return nil, errorf(http.StatusBadRequest, "missing %s header (sha256=<hex of the uncompressed body>)", DigestHeader)
	}
	alg, val, ok := strings.Cut(strings.TrimSpace(h), "=")
	if !ok || !strings.EqualFold(alg, "sha256") {
		return nil, errorf(http.StatusBadRequest, "%s %q: want sha256=<hex>", DigestHeader, h)
	}
	d, err := hex.DecodeString(val)
	if err != nil || len(d) != sha256.Size {
		return nil, errorf(http.StatusBadRequest, "%s %q: want 64 hex digits", DigestHeader, h)
	}
	return d, nil
}

// gunzip decompresses raw, refusing output past max: a gzip bomb stops
// at max+1 bytes, never at its full size.
func gunzip(raw []byte, max int64) ([]byte, error) {
	// First count what it expands to, keeping nothing: a bomb costs time
	// bounded by max, and no memory at all. Then expand it into a buffer
	// of exactly that size, which no growth doubles.
	n, err := gunzipTo(io.Discard, raw, max)
	if err != nil {
		return nil, err
	}
	if n > max {
		return nil, errorf(http.StatusRequestEntityTooLarge, "body decompresses to over the %d-byte limit", max)
	}
	out := bytes.NewBuffer(make([]byte, 0, n))
	if _, err := gunzipTo(out, raw, n); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// gunzipTo writes at most max+1 decompressed bytes of raw to w and says
// how many there were.
func gunzipTo(w io.Writer, raw []byte, max int64) (int64, error) {
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return 0, errorf(http.StatusBadRequest, "body is not gzip: %v", err)
	}
	n, err := io.Copy(w, io.LimitReader(zr, max+1))
	if err != nil {
		return n, errorf(http.StatusBadRequest, "decompressing the body: %v", err)
	}
	return n, nil
}

// decodeStrict decodes exactly one JSON value into v, refusing unknown
// fields, duplicate names, invalid UTF-8 and trailing data; errors name
// the byte offset. It decodes with encoding/json/v2's staging module:
// three times as fast as encoding/json on a 2,000-item scan report, the
// largest part of an upload's cost (BenchmarkIngest).
func decodeStrict(body []byte, v any) error {
	dec := jsontext.NewDecoder(bytes.NewReader(body))
	err := jsonv2.UnmarshalDecode(dec, v, jsonv2.RejectUnknownMembers(true))
	if err == nil {
		off := dec.InputOffset()
		if _, err := dec.ReadToken(); err != io.EOF {
			return errorf(http.StatusBadRequest, "JSON at offset %d: data after the report", off)
		}
		return nil
	}
	var off int64 = -1
	var se *jsonv2.SemanticError
	var sy *jsontext.SyntacticError
	switch {
	case errors.As(err, &se) && errors.Is(se.Err, jsonv2.ErrUnknownName):
		return errorf(http.StatusBadRequest, "JSON at offset %d: unknown field %q", se.ByteOffset, path.Base(string(se.JSONPointer)))
	case errors.As(err, &sy):
		off = sy.ByteOffset
	case errors.As(err, &se):
		off = se.ByteOffset
	}
	return errorf(http.StatusBadRequest, "JSON at offset %d: %v", off, err)
}

// reportDoc is the JSON of `embargo scan -o json` or `embargo flows -o
// json` as the server reads it: the schema's URL and version first, the
// items as I, and the agent's findings kept raw, since the server judges
// again.
type reportDoc[I any] struct {
	Schema    string         `json:"$schema"`
	Version   string         `json:"schema_version"`
	Tool      report.Tool    `json:"tool"`
	Generated time.Time      `json:"generated"`
	Catalog   report.Catalog `json:"catalog"`
	// Data names the data the agent judged by: read, and left aside (the
	// server judges by its own).
	Data     json.RawMessage   `json:"data,omitempty"`
	Inputs   []report.Input    `json:"inputs"`
	Summary  report.Summary    `json:"summary"`
	Items    []I               `json:"items"`
	Unknowns []uploadedUnknown `json:"unknowns"`
	// Devices are what device managers said of the report's devices:
	// read, and left aside. Only what the server reads from a device's
	// manager itself (IngestDevices) judges a device: an agent's report
	// cannot make its host a personal phone.
	Devices  json.RawMessage `json:"devices,omitempty"`
	Traffic  *report.Traffic `json:"traffic"`
	Notes    []string        `json:"notes,omitempty"`
	Policy   json.RawMessage `json:"policy,omitempty"`
	Findings json.RawMessage `json:"findings,omitempty"`
}

// decodeReport decodes body strictly as a report of the schema's major
// version, with a traffic section or without.
func decodeReport[I any](body []byte, traffic bool) (*reportDoc[I], error) {
	var doc reportDoc[I]
	if err := decodeStrict(body, &doc); err != nil {
		return nil, err
	}
	if err := checkSchemaVersion(doc.Version); err != nil {
		return nil, err
	}
	switch {
	case traffic && doc.Traffic == nil:
		return nil, errorf(http.StatusBadRequest, "not a report of traffic: no traffic section (upload scans to /api/v1/inventory)")
	case traffic && len(doc.Items) > 0:
		return nil, errorf(http.StatusBadRequest, "a report of traffic lists no items, this one lists %d", len(doc.Items))
	case !traffic && doc.Traffic != nil:
		return nil, errorf(http.StatusBadRequest, "a report of traffic, not of a scan (upload flows to /api/v1/flows)")
	}
	return &doc, nil
}

// scanEntry is an item of a scan as the server reads it: the agent's
// attribution kept raw, since the server attributes again.
type scanEntry struct {
	*inventory.Item
	Attribution json.RawMessage `json:"attribution,omitempty"`
}

// decodeScanReport decodes the JSON of `embargo scan -o json` and checks
// what the judge relies on. The items come back unattributed.
func decodeScanReport(body []byte) (*report.Report, error) {
	doc, err := decodeReport[scanEntry](body, false)
	if err != nil {
		return nil, err
	}
	unknowns := unknownsOf(doc.Unknowns)
	if err := checkScanLimits(doc.Items, unknowns); err != nil {
		return nil, err
	}
	for i, in := range doc.Inputs {
		if in.Items < 0 || in.Unknowns < 0 {
			return nil, errorf(http.StatusBadRequest, "inputs[%d]: negative counts (%d items, %d unknowns)", i, in.Items, in.Unknowns)
		}
	}
	rep := &report.Report{Tool: doc.Tool, Generated: doc.Generated, Catalog: doc.Catalog, Inputs: doc.Inputs,
		Summary: doc.Summary, Unknowns: unknowns, Notes: doc.Notes, Items: make([]report.Entry, len(doc.Items))}
	for i, e := range doc.Items {
		if e.Item == nil {
			return nil, errorf(http.StatusBadRequest, "item %d is empty", i)
		}
		rep.Items[i] = report.Entry{Item: e.Item}
	}
	return rep, nil
}

// decodeFlowsReport decodes the JSON of `embargo flows -o json`: a report
// with a traffic section and no items.
func decodeFlowsReport(body []byte) (*report.Traffic, error) {
	doc, err := decodeReport[json.RawMessage](body, true)
	if err != nil {
		return nil, err
	}
	if err := checkCounters(doc.Traffic); err != nil {
		return nil, err
	}
	return doc.Traffic, nil
}

// checkCounters refuses traffic counters past what a store keeps
// (store.MaxCounter, about 9 PB): no agent measures that much, and one
// that says so would otherwise saturate a department's figures.
func checkCounters(tr *report.Traffic) error {
	for i := range tr.Aggregates {
		a := &tr.Aggregates[i]
		for _, c := range []struct {
			field string
			n     uint64
		}{
			{"bytes_out", a.BytesOut}, {"bytes_in", a.BytesIn}, {"packets_out", a.PacketsOut}, {"packets_in", a.PacketsIn},
			{"flows", a.Flows}, {"rejected_flows", a.RejectedFlows}, {"conversations", a.Conversations},
		} {
			if c.n > store.MaxCounter {
				return errorf(http.StatusBadRequest, "traffic.aggregates[%d].%s: %d is more than a counter holds (%d)", i, c.field, c.n, store.MaxCounter)
			}
		}
	}
	return nil
}

// checkSchemaVersion refuses a report of another major schema version.
func checkSchemaVersion(v string) error {
	if major, _, _ := strings.Cut(v, "."); v != "" && major != strings.Split(report.SchemaVersion, ".")[0] {
		return errorf(http.StatusBadRequest, "report schema version %q: this server reads %s", v, report.SchemaVersion)
	}
	return nil
}
