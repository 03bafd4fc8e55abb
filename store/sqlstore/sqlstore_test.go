package sqlstore

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/embargo-dev/embargo/store"
	"github.com/embargo-dev/embargo/store/storetest"
)

func openSQLiteTest(t *testing.T) (*Store, *sql.DB) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fleet.db")
	st, err := Open(context.Background(), "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return st, db
}

func TestSQLite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) (store.Store, *sql.DB) { return openSQLiteTest(t) })
}

func openPostgresTest(t *testing.T, c *storetest.Cluster) (*Store, *sql.DB) {
	t.Helper()
	dsn := c.NewDatabase(t)
	st, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return st, db
}

func TestPostgres(t *testing.T) {
	c := storetest.StartPostgres(t)
	storetest.Run(t, func(t *testing.T) (store.Store, *sql.DB) { return openPostgresTest(t, c) })
}
