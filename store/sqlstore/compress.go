package sqlstore

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
)

// Scan reports are kept gzip-compressed: a host's report of 2,000 items
// is about 1 MB of JSON and 60 KB compressed, and at 10,000 hosts the
// uncompressed reports made ingest wait on the disk (BenchmarkApplyScan:
// 4x slower).

// maxReport bounds a stored report once decompressed (the server accepts
// uploads of at most 256 MiB).
const maxReport = 256 << 20

var gzipMagic = []byte{0x1f, 0x8b}

// compressReport gzips a report, unless it already is.
func compressReport(report []byte) ([]byte, error) {
	if len(report) == 0 || bytes.HasPrefix(report, gzipMagic) {
		return report, nil
	}
	var b bytes.Buffer
	zw, err := gzip.NewWriterLevel(&b, gzip.BestSpeed)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(report); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// expandReport reverses compressReport; reports stored before it came
// (plain JSON) are returned as they are.
func expandReport(stored []byte) ([]byte, error) {
	if !bytes.HasPrefix(stored, gzipMagic) {
		return stored, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(stored))
	if err != nil {
		return nil, fmt.Errorf("stored report: %w", err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, maxReport+1))
	if err != nil {
		return nil, fmt.Errorf("stored report: %w", err)
	}
	if len(out) > maxReport {
		return nil, fmt.Errorf("stored report: over %d bytes decompressed", maxReport)
	}
	return out, nil
}
