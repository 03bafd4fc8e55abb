package sqlstore

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/store"
	"github.com/embargo-dev/embargo/store/storetest"
)

// TestPostgresRestart restarts the server under a store whose pool is
// full of connections: every one dies, and the store's next calls, reads
// and writes, must still succeed: a transaction that finds its
// connection dead drops the pool's idle ones and runs once more.
func TestPostgresRestart(t *testing.T) {
	c := storetest.StartPostgres(t)
	st, _ := openPostgresTest(t, c)
	ctx := context.Background()
	fill := func() {
		var wg sync.WaitGroup
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := st.Overview(ctx, store.System, time.Now()); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	fill()
	for round := range 3 {
		c.Restart(t)
		fill() // many calls at once, each on a dead connection
		calls := []struct {
			name string
			do   func() error
		}{
			{"Ping", func() error { return st.Ping(ctx) }},
			{"Users", func() error { _, err := st.Users(ctx, store.System); return err }},
			{"PutPolicies", func() error { return st.PutPolicies(ctx, store.System, []string{"uk"}) }},
			{"Overview", func() error { _, err := st.Overview(ctx, store.System, time.Now()); return err }},
			{"VerifyAudit", func() error { _, err := st.VerifyAudit(ctx); return err }},
		}
		for _, call := range calls {
			if err := call.do(); err != nil {
				t.Fatalf("round %d: %s after restart: %v", round, call.name, err)
			}
		}
	}
}
