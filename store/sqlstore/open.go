// Package sqlstore is the fleet store (store.Store) over database/sql,
// for SQLite (modernc.org/sqlite, a file in the data folder) and
// PostgreSQL (github.com/jackc/pgx/v5/stdlib), with one set of embedded
// migrations and the few differences between the two kept in dialect.go.
//
// Access is decided in the queries themselves (access.go): an officer's
// reads carry "department = ?", so a row of another department is not
// found rather than forbidden, and cannot be probed. Every change
// appends to the hash-chained audit log in its own transaction
// (audit.go).
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"

	"github.com/embargo-dev/embargo/store"
)

// Store implements store.Store.
type Store struct {
	// w takes every transaction that writes. On SQLite it is a single
	// connection, so that writers queue in Go rather than fail with
	// SQLITE_BUSY, and the audit chain has one appender.
	w *sql.DB
	// r serves reads: on SQLite a pool of its own (WAL lets readers run
	// beside the writer); on PostgreSQL the same pool as w.
	r *sql.DB
	d dialect
	// idle is the pools' idle connection limit, restored after dropIdle.
	idle int
}

var _ store.Store = (*Store)(nil)

// busyTimeout is how long a SQLite connection waits for a lock held by
// another process (an `embargo admin` command beside the server).
const busyTimeout = 10 * time.Second

// Open opens the store named by dsn, "sqlite:PATH" or
// "postgres://...", and brings its schema up to date.
func Open(ctx context.Context, dsn string) (*Store, error) {
	var s *Store
	var err error
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		s, err = openSQLite(strings.TrimPrefix(dsn, "sqlite:"))
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		s, err = openPostgres(dsn)
	default:
		return nil, fmt.Errorf("open store: unknown kind of DSN %q (want sqlite:PATH or postgres://...)", redact(dsn))
	}
	if err != nil {
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func openSQLite(path string) (*Store, error) {
	if path == "" {
		return nil, fmt.Errorf("open store: %w: sqlite: needs a file path", store.ErrInvalid)
	}
	base := "file:" + path + "?_pragma=busy_timeout(" + fmt.Sprint(busyTimeout.Milliseconds()) + ")" +
		"&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
	// BEGIN IMMEDIATE takes the write lock at once, so that a writer in
	// another process waits (busy_timeout) rather than failing midway.
	w, err := sql.Open("sqlite", base+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open store %q: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	r, err := sql.Open("sqlite", base)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open store %q: %w", path, err)
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	return &Store{w: w, r: r, d: sqliteDialect, idle: 8}, nil
}

func openPostgres(dsn string) (*Store, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open store %q: %w", redact(dsn), err)
	}
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	// Idle connections are dropped after a while, so that a server
	// restart leaves few dead ones behind.
	db.SetConnMaxIdleTime(5 * time.Minute)
	return &Store{w: db, r: db, d: postgresDialect, idle: 16}, nil
}

// redact hides a DSN's password in errors.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxx")
	}
	return u.String()
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.r.PingContext(ctx); err != nil {
		return fmt.Errorf("ping store: %w", err)
	}
	return nil
}

// Close closes the store's connections.
func (s *Store) Close() error {
	err := s.w.Close()
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	return err
}
