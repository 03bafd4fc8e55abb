package sqlstore

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/embargo-dev/embargo/store"
)

// inChunk is how many values one IN (...) list holds.
const inChunk = 500

// inList is "(?, ?, ...)" for n values.
func inList(n int) string {
	return "(" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")"
}

// putHostItems keeps the host's items, each distinct item once in items,
// and their keys in host_items for the inventory received at received.
// A key already held by another item (its check differs) leaves the host
// unindexed: re-judging reads its inventory instead.
func (s *Store) putHostItems(ctx context.Context, tx *sql.Tx, hostID string, received int64, items []store.ItemDoc) error {
	if _, err := tx.ExecContext(ctx, s.d.q(`DELETE FROM host_items WHERE host_id = ?`), hostID); err != nil {
		return fmt.Errorf("host items: %w", err)
	}
	if items == nil {
		return nil
	}
	held, err := s.itemChecks(ctx, tx, items)
	if err != nil {
		return err
	}
	var missing []store.ItemDoc
	seen := make(map[int64]bool, len(items))
	keys := make([]byte, 0, 8*len(items))
	for _, it := range items {
		if c, ok := held[it.Key]; ok && c != it.Check {
			return nil // a collision: unindexed
		}
		if _, ok := held[it.Key]; !ok && !seen[it.Key] {
			missing = append(missing, it)
		}
		seen[it.Key] = true
		keys = binary.BigEndian.AppendUint64(keys, uint64(it.Key))
	}
	// Another upload may have kept some of them meanwhile: skipped.
	err = s.insertEach(ctx, tx, `INSERT INTO items (key, check_key, doc) VALUES %s ON CONFLICT (key) DO NOTHING`, 3, len(missing), false,
		func(i int, args []any) []any { return append(args, missing[i].Key, missing[i].Check, missing[i].Doc) })
	if err != nil {
		return fmt.Errorf("items: %w", err)
	}
	if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO host_items (host_id, received, keys) VALUES (?, ?, ?)`), hostID, received, keys); err != nil {
		return fmt.Errorf("host items: %w", err)
	}
	return nil
}

// itemChecks reads the checks of the items already kept under the keys.
func (s *Store) itemChecks(ctx context.Context, tx *sql.Tx, items []store.ItemDoc) (map[int64]int64, error) {
	held := make(map[int64]int64, len(items))
	args := make([]any, 0, inChunk)
	for at := 0; at < len(items); at += inChunk {
		part := items[at:min(len(items), at+inChunk)]
		args = args[:0]
		for _, it := range part {
			args = append(args, it.Key)
		}
		rows, err := tx.QueryContext(ctx, s.d.q(`SELECT key, check_key FROM items WHERE key IN `+inList(len(part))), args...)
		if err != nil {
			return nil, fmt.Errorf("items: %w", err)
		}
		for rows.Next() {
			var k, c int64
			if err := rows.Scan(&k, &c); err != nil {
				rows.Close()
				return nil, err
			}
			held[k] = c
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return held, nil
}

// ItemDocs implements store.Store.
func (s *Store) ItemDocs(ctx context.Context, keys []int64) (map[int64]store.ItemDoc, error) {
	out := make(map[int64]store.ItemDoc, len(keys))
	err := s.view(ctx, func(tx *sql.Tx) error {
		args := make([]any, 0, inChunk)
		for at := 0; at < len(keys); at += inChunk {
			part := keys[at:min(len(keys), at+inChunk)]
			args = args[:0]
			for _, k := range part {
				args = append(args, k)
			}
			rows, err := tx.QueryContext(ctx, s.d.q(`SELECT key, check_key, doc FROM items WHERE key IN `+inList(len(part))), args...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var d store.ItemDoc
				if err := rows.Scan(&d.Key, &d.Check, &d.Doc); err != nil {
					rows.Close()
					return err
				}
				out[d.Key] = d
			}
			if err := rows.Close(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("items: %w", err)
	}
	return out, nil
}

// decodeKeys reads host_items' keys.
func decodeKeys(b []byte) []int64 {
	out := make([]int64, len(b)/8)
	for i := range out {
		out[i] = int64(binary.BigEndian.Uint64(b[8*i:]))
	}
	return out
}
