package agent

import (
	"strings"
	"testing"
	"time"
)

// Spool files are read back after crashes and by later versions: a
// corrupt one must be an error naming it, never a panic.
func FuzzReadSpoolFile(f *testing.F) {
	f.Add(encodeSpool(Upload{Kind: KindInventory, Digest: strings.Repeat("0", 64), Content: strings.Repeat("1", 64), Created: time.Unix(0, 0)}))
	f.Add([]byte(spoolMagic + `{"kind":"flows","digest":"` + strings.Repeat("a", 64) + `","content":"` + strings.Repeat("b", 64) + `"}` + "\n\x1f\x8b\x08\x00"))
	f.Add([]byte(spoolMagic))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		u, err := decodeSpool("/spool/f.upload", data)
		if err != nil {
			if !strings.Contains(err.Error(), "/spool/f.upload") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if u.Kind != KindInventory && u.Kind != KindFlows || !isHexDigest(u.Digest) {
			t.Fatalf("accepted %+v", u)
		}
	})
}

func FuzzReadCredential(f *testing.F) {
	f.Add([]byte(`{"agent_id":"a-1","secret":"s3cret","department":"DWP","server":"https://x","enrolled":"2026-01-01T00:00:00Z"}`))
	f.Add([]byte(`{"agent_id":"a b","secret":""}`))
	f.Add([]byte(`{`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := decodeCredential("/state/credential.json", data)
		if err != nil {
			if !strings.Contains(err.Error(), "/state/credential.json") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if checkToken("id", c.AgentID) != nil || checkToken("secret", c.Secret) != nil {
			t.Fatalf("accepted %+v", c)
		}
	})
}
