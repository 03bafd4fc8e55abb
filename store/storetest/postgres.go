package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"

	"github.com/embargo-dev/embargo/internal/testtool"
)

// Cluster is a private PostgreSQL server for one test: its own data
// directory in a temporary folder, listening on a free loopback port
// with its unix socket in the same folder, stopped and removed when the
// test ends.
type Cluster struct {
	// DSN connects to the cluster's "postgres" database as the
	// superuser "postgres" (trust authentication, loopback only).
	DSN  string
	Port int
	dir  string
	bin  string
	dbs  atomic.Int64
}

// Postgres starts a private cluster and returns its DSN.
func Postgres(t testing.TB) string {
	t.Helper()
	return StartPostgres(t).DSN
}

// pgBin finds the newest PostgreSQL's programs.
func pgBin(t testing.TB) string {
	t.Helper()
	found := testtool.Glob(t, "/usr/lib/postgresql/*/bin/initdb", "postgresql")
	sort.Slice(found, func(i, j int) bool { return version(found[i]) > version(found[j]) })
	return filepath.Dir(found[0])
}

func version(initdb string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(initdb))))
	return n
}

// StartPostgres starts a private cluster. When the test runs as root
// the server runs as the "postgres" user (it refuses to run as root),
// through runuser, in a folder that user owns.
func StartPostgres(t testing.TB) *Cluster {
	t.Helper()
	c := &Cluster{bin: pgBin(t)}
	// Not t.TempDir: its parent folders are private to root, and the
	// postgres user must reach the data directory.
	dir, err := os.MkdirTemp("", "embargo-pg-")
	if err != nil {
		t.Fatal(err)
	}
	c.dir = dir
	t.Cleanup(func() { os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root needs the postgres user, which the Debian package postgresql creates: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c.Port = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	data := filepath.Join(dir, "data")
	c.run(t, "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
	// synchronous_commit=off gives the durability of the SQLite store's
	// WAL with synchronous=NORMAL: a crash may lose the last commits,
	// never corrupt.
	opts := fmt.Sprintf("-h 127.0.0.1 -p %d -k %s -c synchronous_commit=off -c max_connections=200", c.Port, dir)
	c.run(t, "pg_ctl", "-D", data, "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "-o", opts, "start")
	t.Cleanup(func() {
		cmd := c.command("pg_ctl", "-D", data, "-w", "-m", "immediate", "stop")
		cmd.Run()
	})
	c.DSN = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.Port)
	return c
}

func (c *Cluster) command(name string, args ...string) *exec.Cmd {
	prog := filepath.Join(c.bin, name)
	cmd := exec.Command(prog, args...)
	if os.Geteuid() == 0 {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", prog}, args...)...)
	}
	// A server started by pg_ctl must not keep the command's output
	// open, but if one does, do not wait for it forever.
	cmd.WaitDelay = 10 * time.Second
	return cmd
}

func (c *Cluster) run(t testing.TB, name string, args ...string) {
	t.Helper()
	out, err := c.command(name, args...).CombinedOutput()
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(c.dir, "log"))
		t.Fatalf("%s %v: %v\n%s\nserver log:\n%s", name, args, err, out, log)
	}
}

// Restart restarts the server (pg_ctl restart, fast shutdown), cutting
// every connection.
func (c *Cluster) Restart(t testing.TB) {
	t.Helper()
	// -l again: without it the new server writes to pg_ctl's output,
	// which would then never close.
	c.run(t, "pg_ctl", "-D", filepath.Join(c.dir, "data"), "-l", filepath.Join(c.dir, "log"), "-w", "-t", "60", "-m", "fast", "restart")
}

// NewDatabase creates an empty database in the cluster and returns its
// DSN, so that each test starts from nothing without a cluster of its
// own.
func (c *Cluster) NewDatabase(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("t%d", c.dbs.Add(1))
	db, err := sql.Open("pgx", c.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database %q: %v", name, err)
	}
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.Port, name)
}
