package checkpoint

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"

	"golang.org/x/mod/sumdb/note"

	"github.com/embargo-dev/embargo/store"
)

// Verify checks the audit log of st against signed checkpoints: each
// must carry verifier's signature, name an entry the log still holds with
// the hash it signed, and come no later than the log's head. It returns
// how many checkpoints were checked and the last seq they vouch for. Run
// it after store.VerifyAudit: the chain up to each checkpoint is then the
// one that was signed.
func Verify(ctx context.Context, st store.Store, signed [][]byte, verifier note.Verifier) (int, int64, error) {
	head, _, err := st.AuditHead(ctx)
	if err != nil {
		return 0, 0, err
	}
	var last int64
	for i, msg := range signed {
		c, err := Open(msg, verifier)
		if err != nil {
			return i, last, fmt.Errorf("checkpoint %d: %w", i+1, err)
		}
		if c.Seq < last {
			return i, last, fmt.Errorf("checkpoint %d: seq %d goes back from %d", i+1, c.Seq, last)
		}
		last = c.Seq
		if c.Seq == 0 {
			continue
		}
		if c.Seq > head {
			return i, last, fmt.Errorf("checkpoint %d: the log was cut short: it ends at entry %d, a checkpoint signed entry %d", i+1, head, c.Seq)
		}
		es, err := st.Audit(ctx, store.System, c.Seq-1, 1)
		if err != nil {
			return i, last, err
		}
		if len(es) != 1 || es[0].Seq != c.Seq {
			return i, last, fmt.Errorf("checkpoint %d: entry %d is missing from the log", i+1, c.Seq)
		}
		if !bytes.Equal(es[0].Hash, c.Hash) {
			return i, last, fmt.Errorf("checkpoint %d: entry %d was rewritten: its hash is %s, the checkpoint signed %s",
				i+1, c.Seq, hex.EncodeToString(es[0].Hash), hex.EncodeToString(c.Hash))
		}
	}
	return len(signed), last, nil
}
