package agent

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// volatileKeys are fields of a report that change from one scan of an
// unchanged host to the next — when it was generated, how long it took,
// progress counters — and so do not count as content. They are removed
// wherever they appear; no report field of another meaning uses these
// names.
var volatileKeys = map[string]bool{
	"generated":   true,
	"duration":    true,
	"duration_ms": true,
	"elapsed":     true,
	"elapsed_ms":  true,
	"progress":    true,
}

// ContentDigest is the hex SHA-256 of a JSON report with its volatile
// fields removed and its objects' keys sorted: two scans of an unchanged
// host have the same content digest, so the second is not uploaded.
func ContentDigest(report []byte) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(report))
	dec.UseNumber() // keep numbers exactly as written
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", fmt.Errorf("report is not JSON: %w", err)
	}
	if dec.More() {
		return "", fmt.Errorf("report holds more than one JSON value")
	}
	canon, err := json.Marshal(stripVolatile(v)) // maps marshal with sorted keys
	if err != nil {
		return "", fmt.Errorf("re-encoding the report: %w", err)
	}
	sum := sha256.Sum256(canon)
	return hex.EncodeToString(sum[:]), nil
}

func stripVolatile(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if volatileKeys[k] {
				delete(v, k)
				continue
			}
			v[k] = stripVolatile(x)
		}
	case []any:
		for i, x := range v {
			v[i] = stripVolatile(x)
		}
	}
	return v
}
