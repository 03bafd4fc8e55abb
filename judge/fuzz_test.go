package judge

import (
	"strings"
	"testing"
)

// FuzzParseState: any bytes give a state or an error naming the file,
// never a panic.
func FuzzParseState(f *testing.F) {
	f.Add([]byte(`{"version": 1, "findings": {}}`))
	f.Add([]byte(`{"version": 1, "findings": {"F-1": {"first_seen": "2026-01-01T00:00:00Z", "last_seen": "2026-01-02T00:00:00Z",
		"finding": {"id": "F-1", "system": "s", "item": "I-1", "pack": "p", "rule": "r", "instrument": "i", "clause": "c",
		"effect": "warn", "severity": "low", "classification": "OFFICIAL", "item_name": "n", "first_seen": "2026-01-01T00:00:00Z",
		"due": "none", "state": "open"}, "item": {"id": "I-1", "type": "package", "name": "n", "location": {"source": "s"}}}}}`))
	f.Add([]byte(`{"version": 2}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		sf, err := parseState("state.json", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "state.json") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for id, r := range sf.Findings {
			if r == nil || r.FirstSeen.IsZero() {
				t.Fatalf("finding %q accepted without a first sighting", id)
			}
		}
	})
}
