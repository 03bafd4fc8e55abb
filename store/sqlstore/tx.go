package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/jackc/pgx/v5/pgconn"
)

// update runs fn in a write transaction and commits it. A transaction
// that fails because its connection was lost (the PostgreSQL server
// restarted) is run again once on a fresh connection: the server rolled
// the first attempt back, so running it again cannot apply it twice. A
// failed COMMIT is never retried, since its outcome is unknown.
func (s *Store) update(ctx context.Context, fn func(tx *sql.Tx) error) error {
	err := s.tx(ctx, s.w, nil, fn)
	if errors.Is(err, errRetry) {
		s.dropIdle(s.w)
		err = s.tx(ctx, s.w, nil, fn)
	}
	return unwrapRetry(err)
}

// dropIdle closes a pool's idle connections: when one was found dead
// the others most likely died with the same server, and the retry must
// not pick another of them.
func (s *Store) dropIdle(db *sql.DB) {
	db.SetMaxIdleConns(0)
	db.SetMaxIdleConns(s.idle)
}

// view runs fn in a read transaction, so that its queries see one
// snapshot; it is retried like update.
func (s *Store) view(ctx context.Context, fn func(tx *sql.Tx) error) error {
	var opts *sql.TxOptions
	if s.d.numbered { // SQLite's driver has no read-only transactions
		opts = &sql.TxOptions{ReadOnly: true}
	}
	err := s.tx(ctx, s.r, opts, fn)
	if errors.Is(err, errRetry) {
		s.dropIdle(s.r)
		err = s.tx(ctx, s.r, opts, fn)
	}
	return unwrapRetry(err)
}

// errRetry marks an error of a transaction worth running again.
var errRetry = errors.New("connection lost")

type retryError struct{ err error }

func (e retryError) Error() string   { return e.err.Error() }
func (e retryError) Unwrap() []error { return []error{e.err, errRetry} }
func unwrapRetry(err error) error {
	var r retryError
	if errors.As(err, &r) {
		return r.err
	}
	return err
}

func (s *Store) tx(ctx context.Context, db *sql.DB, opts *sql.TxOptions, fn func(tx *sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, opts)
	if err != nil {
		if connLost(err) {
			return retryError{err}
		}
		return fmt.Errorf("begin transaction: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		if connLost(err) && ctx.Err() == nil {
			return retryError{err}
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// connLost reports whether err says the connection to the database
// went away, rather than that a statement was wrong.
func connLost(err error) bool {
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		// 08: connection exception; 57P01-57P03: the server is shutting
		// down or starting.
		return len(pg.Code) == 5 && (pg.Code[:2] == "08" || pg.Code[:4] == "57P0")
	}
	var ne net.Error
	var ce *pgconn.ConnectError
	return errors.As(err, &ne) || errors.As(err, &ce) || pgconn.SafeToRetry(err)
}
