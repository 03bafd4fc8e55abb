package sqlstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/embargo-dev/embargo/store"
)

// AuditHash is an entry's link in the chain:
//
//	SHA-256(prev || field(seq) || field(at) || field(actor) || field(action) || field(object) || field(detail))
//
// where field(x) is the length of x's bytes as a big-endian uint64
// followed by the bytes, seq is written in decimal and at in UTC as
// RFC 3339 with nanoseconds (time.RFC3339Nano). Lengths make the
// encoding unambiguous; prev is empty for the first entry. It is
// exported so that a copy of the log can be checked outside the store.
func AuditHash(prev []byte, e store.AuditEntry) []byte {
	h := sha256.New()
	h.Write(prev)
	var n [8]byte
	for _, f := range [...]string{
		strconv.FormatInt(e.Seq, 10),
		e.At.UTC().Format(time.RFC3339Nano),
		e.Actor, e.Action, e.Object, e.Detail,
	} {
		binary.BigEndian.PutUint64(n[:], uint64(len(f)))
		h.Write(n[:])
		h.Write([]byte(f))
	}
	return h.Sum(nil)
}

// audit appends an entry to the chain inside tx. It must be the last
// statement of a change's transaction: the head row it locks is the one
// lock every writer shares, and taking it last means writers never wait
// on each other in a cycle, and hold it only until they commit. On
// SQLite the single writer connection already serialises appends.
func (s *Store) audit(ctx context.Context, tx *sql.Tx, actor, action, object string, detail any) error {
	d, err := json.Marshal(detail)
	if err != nil {
		return fmt.Errorf("audit %s: encode detail: %w", action, err)
	}
	var seq int64
	var prev []byte
	if err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`+s.d.forUpdate).Scan(&seq, &prev); err != nil {
		return fmt.Errorf("audit %s: read head: %w", action, err)
	}
	e := store.AuditEntry{Seq: seq + 1, At: time.Now().UTC(), Actor: actor, Action: action, Object: object, Detail: string(d), Prev: prev}
	e.Hash = AuditHash(prev, e)
	if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO audit (seq, at, actor, action, object, detail, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
		e.Seq, ts(e.At), e.Actor, e.Action, e.Object, e.Detail, e.Prev, e.Hash); err != nil {
		return fmt.Errorf("audit %s: append: %w", action, err)
	}
	if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1`), e.Seq, e.Hash); err != nil {
		return fmt.Errorf("audit %s: move head: %w", action, err)
	}
	return nil
}

// AuditHead implements store.Store.
func (s *Store) AuditHead(ctx context.Context) (int64, []byte, error) {
	var seq int64
	var hash []byte
	if err := s.r.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&seq, &hash); err != nil {
		return 0, nil, fmt.Errorf("read the audit head: %w", err)
	}
	return seq, hash, nil
}

// maxAuditPage bounds one page of the log.
const maxAuditPage = 1000

// Audit returns up to limit entries after afterSeq, oldest first.
// Admins and auditors read the log; officers may not, since it names
// every department's objects.
func (s *Store) Audit(ctx context.Context, v store.Viewer, afterSeq int64, limit int) ([]store.AuditEntry, error) {
	if v.Role != store.Admin && v.Role != store.Auditor {
		return nil, fmt.Errorf("read audit log: %w", store.ErrForbidden)
	}
	if limit <= 0 || limit > maxAuditPage {
		limit = maxAuditPage
	}
	var out []store.AuditEntry
	err := s.view(ctx, func(tx *sql.Tx) error {
		out = nil
		rows, err := tx.QueryContext(ctx, s.d.q(`SELECT seq, at, actor, action, object, detail, prev, hash FROM audit WHERE seq > ? ORDER BY seq LIMIT ?`), afterSeq, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e, err := scanAudit(rows)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("read audit log after %d: %w", afterSeq, err)
	}
	return out, nil
}

func scanAudit(rows *sql.Rows) (store.AuditEntry, error) {
	var e store.AuditEntry
	var at int64
	err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.Object, &e.Detail, &e.Prev, &e.Hash)
	e.At = tm(at)
	return e, err
}

// VerifyAudit walks the chain from the first entry: each entry's seq
// must follow the last one's, its prev must be the last one's hash and
// its hash must be recomputed from its fields; the last entry must be
// the head. An edited row, a deleted row (in the middle or at the end)
// and rows swapped all break one of these.
func (s *Store) VerifyAudit(ctx context.Context) (int64, error) {
	var n int64
	err := s.view(ctx, func(tx *sql.Tx) error {
		n = 0
		var headSeq int64
		var headHash []byte
		if err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
			return fmt.Errorf("read head: %w", err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT seq, at, actor, action, object, detail, prev, hash FROM audit ORDER BY seq`)
		if err != nil {
			return err
		}
		defer rows.Close()
		var last []byte
		for rows.Next() {
			e, err := scanAudit(rows)
			if err != nil {
				return err
			}
			want := n + 1
			switch {
			case e.Seq != want:
				return fmt.Errorf("entry %d: missing (next entry is %d)", want, e.Seq)
			case !bytes.Equal(e.Prev, last):
				return fmt.Errorf("entry %d: does not follow entry %d (prev hash differs)", e.Seq, n)
			case !bytes.Equal(e.Hash, AuditHash(last, e)):
				return fmt.Errorf("entry %d: altered (hash does not match its fields)", e.Seq)
			}
			last, n = e.Hash, e.Seq
		}
		if err := rows.Err(); err != nil {
			return err
		}
		switch {
		case n < headSeq:
			return fmt.Errorf("entry %d: missing (the log ends at %d, its head is %d)", n+1, n, headSeq)
		case n > headSeq || !bytes.Equal(last, headHash):
			return fmt.Errorf("entry %d: not the head of the log (head is %d)", n, headSeq)
		}
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("verify audit log: %w", err)
	}
	return n, nil
}
