package rpm

import (
	"context"
	"database/sql"
	"encoding/binary"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
)

// patch returns a copy of data with a little-endian integer of size n
// (1, 2 or 4 bytes) written at off.
func patch(data []byte, off int, n int, v uint32) []byte {
	c := append([]byte(nil), data...)
	switch n {
	case 1:
		c[off] = byte(v)
	case 2:
		binary.LittleEndian.PutUint16(c[off:], uint16(v))
	default:
		binary.LittleEndian.PutUint32(c[off:], v)
	}
	return c
}

// patchBE returns a copy of b with a big-endian uint32 v written at off.
func patchBE(b []byte, off int, v uint32) []byte {
	c := append([]byte(nil), b...)
	binary.BigEndian.PutUint32(c[off:], v)
	return c
}

// TestBadInput: each database here makes go-rpmdb v0.1.1 hang for ever
// (a looping or mistyped overflow chain), or for up to 2^32 rounds (a
// string count past the header's data), end the process with a panic in
// its own goroutine (an index past the page), print to standard output
// (a bad NDB slot), allocate what the file claims, or read a partial list
// without an error. Each must be an error naming the file and, for the
// file formats, the byte offset.
func TestBadInput(t *testing.T) {
	dbs := testDatabases(t)
	// libuuid: Berkeley DB, pages of 4096 bytes: 0 metadata, 1-2 hash, 3-22
	// one overflow chain.
	uuid := mustRead(t, dbs["libuuid"])
	const ps = 4096
	ndbBlobs := smallest(blobsOf(t, dbs["sle15-bci"]), 2)
	ndb := ndbFile(ndbBlobs)
	// entryOf patches field f (0 tag, 1 type, 2 offset, 3 count) of the
	// first index entry of type typ in a header.
	entryOf := func(b []byte, typ uint32, f int, v uint32) []byte {
		c := append([]byte(nil), b...)
		for i := 8; i+16 <= len(c); i += 16 {
			if binary.BigEndian.Uint32(c[i+4:]) == typ {
				binary.BigEndian.PutUint32(c[i+4*f:], v)
				return c
			}
		}
		t.Fatalf("no index entry of type %d", typ)
		return nil
	}
	// Every slot points at the first package's blob.
	shared := append([]byte(nil), ndb...)
	for i := 1; i < 254; i++ {
		copy(shared[32+16*i+4:], ndb[32+4:32+12])
	}
	tests := []struct {
		name string
		base string
		data []byte
		lim  inventory.Limits
		want string
	}{
		{"empty", "Packages", nil, inventory.DefaultLimits, "Packages: byte 0: file of 0 bytes is too short"},
		{"text", "Packages", []byte(strings.Repeat("not a database\n", 10)), inventory.DefaultLimits, "Packages: byte 12: not an rpm database"},
		{"bdb truncated", "Packages", uuid[:2*ps], inventory.DefaultLimits, "Packages: byte 8192: page 2 of 22: ends past the end of the file"},
		{"bdb chain cycle", "Packages", patch(uuid, 22*ps+16, 4, 3), inventory.DefaultLimits, "a cycle"},
		{"bdb chain page of another type", "Packages", patch(uuid, 10*ps+25, 1, 1), inventory.DefaultLimits, "page 10 in an overflow chain is of type 1"},
		{"bdb index past the page", "Packages", patch(patch(uuid, ps+28, 2, 0xffff), 2*ps+28, 2, 0xffff), inventory.DefaultLimits, "Packages: byte 4124: hash page 1: entry 1 points at 65535, past the page"},
		{"bdb last page overfull", "Packages", patch(uuid, 22*ps+22, 2, 0xfff0), inventory.DefaultLimits, "last overflow page 22 claims 65520 bytes"},
		{"bdb encrypted", "Packages", patch(uuid, 24, 1, 1), inventory.DefaultLimits, "Packages: byte 24: encrypted Berkeley DB"},
		{"bdb odd page size", "Packages", patch(uuid, 20, 4, 4000), inventory.DefaultLimits, "page size 4000 is not one of Berkeley DB's"},
		{"ndb bad slot magic", "Packages.db", patch(ndb, 32+16*5, 4, 0), inventory.DefaultLimits, "Packages.db: byte 112: NDB slot 5: bad magic"},
		{"ndb slot past the end", "Packages.db", patch(ndb, 32+8, 4, 1<<28), inventory.DefaultLimits, "NDB slot 0 points at 4294967296, past the end"},
		{"ndb blob length past the end", "Packages.db", patch(ndb, 4096+12, 4, 1<<31), inventory.DefaultLimits, "Packages.db: byte 4108: NDB blob of package 1: 2147483648 bytes run past the end"},
		{"ndb too many slot pages", "Packages.db", patch(ndb, 12, 4, 1<<20), inventory.DefaultLimits, "claims 1048576 slot pages"},
		{"header with a huge index", "Packages.db", ndbFile([][]byte{patchBE(ndbBlobs[0], 0, 0x7fffffff)}), inventory.DefaultLimits, "Packages.db: byte 4112: package header claims 2147483647 index entries"},
		{"header type out of range", "Packages.db", ndbFile([][]byte{patch(ndbBlobs[0], 8+16+4, 4, 0x10000000)}), inventory.DefaultLimits, "index entry 1 has data type 16"},
		{"header strings past the data", "Packages.db", ndbFile([][]byte{entryOf(ndbBlobs[0], typeStringArray, 3, 0xffffffff)}), inventory.DefaultLimits, "4294967295 values of type 8 do not fit"},
		{"header entries overlap", "Packages.db", ndbFile([][]byte{patchBE(ndbBlobs[0], 8+2*16+8, 0)}), inventory.DefaultLimits, "index entry 2: data at 0 overlaps the previous entry's"},
		{"header region trailer", "Packages.db", ndbFile([][]byte{entryOf(ndbBlobs[0], typeBin, 2, 1<<20)}), inventory.DefaultLimits, "package header region tag 63"},
		{"ndb slots sharing a blob", "Packages.db", shared, inventory.DefaultLimits, "package headers add up to more than the file"},
		{"item limit", "Packages.db", ndb, inventory.Limits{MaxBytes: 1 << 20, MaxItems: 1, MaxString: 1 << 10}, "more than 1 packages"},
		{"size limit", "Packages", uuid, inventory.Limits{MaxBytes: 1000, MaxItems: 10, MaxString: 1 << 10}, "input exceeds the size limit"},
		{"sqlite without Packages", "rpmdb.sqlite", sqliteWith(t, "CREATE TABLE Other (x)"), inventory.DefaultLimits, "no such table: Packages"},
		{"sqlite null blob", "rpmdb.sqlite", sqliteWith(t, "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob BLOB)", "INSERT INTO Packages (blob) VALUES (NULL)"), inventory.DefaultLimits, "table Packages, row 1: blob is <nil>"},
		{"sqlite short header", "rpmdb.sqlite", sqliteWith(t, "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob BLOB)", "INSERT INTO Packages (blob) VALUES (x'0000')"), inventory.DefaultLimits, "table Packages, row 1: package header of 2 bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := writeTemp(t, tc.base, tc.data)
			done := make(chan error, 1)
			go func() {
				_, err := ReadFile(context.Background(), tc.base, p, tc.lim)
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("error %v, want %q", err, tc.want)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("still reading after 20 s")
			}
		})
	}
}

// sqliteWith returns an SQLite database made by the statements.
func sqliteWith(t *testing.T, stmts ...string) []byte {
	t.Helper()
	p := filepath.Join(t.TempDir(), "x.sqlite")
	db, err := sql.Open("sqlite", p)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(s, err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return mustRead(t, p)
}

// TestSmallDatabases reads the databases the fuzz target starts from,
// made by this package's tests, and has Debian's rpm read the Berkeley DB
// one, whose writer here is the least trivial. (rpm will not open the
// SQLite one read-only: it lacks rpm's index tables, which go-rpmdb does
// not read; Debian's rpm has no NDB backend.)
func TestSmallDatabases(t *testing.T) {
	for name, data := range seeds(t) {
		t.Run(name, func(t *testing.T) {
			p := writeTemp(t, name, data)
			inv, err := ReadFile(context.Background(), name, p, inventory.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			if len(inv.Items) != 1 {
				t.Fatalf("%d packages, want 1", len(inv.Items))
			}
			it := inv.Items[0]
			got := []string{strings.Join([]string{it.Name, it.Version, it.Get(inventory.Supplier), it.Get(inventory.URL)}, "\t")}
			if name == "Packages" {
				if diff := cmp.Diff(rpmList(t, filepath.Dir(p), "bdb_ro"), got); diff != "" {
					t.Errorf("(-rpm +ours):\n%s", diff)
				}
			}
		})
	}
}

func TestWants(t *testing.T) {
	for p, want := range map[string]bool{
		"var/lib/rpm/Packages":              true,
		"var/lib/rpm/Packages.db":           true,
		"var/lib/rpm/rpmdb.sqlite":          true,
		"usr/lib/sysimage/rpm/Packages":     true,
		"usr/lib/sysimage/rpm/Packages.db":  true,
		"usr/lib/sysimage/rpm/rpmdb.sqlite": true,
		"var/lib/rpm/Name":                  false,
		"var/lib/rpm/rpmdb.sqlite-wal":      false,
		"home/u/var/lib/rpm/Packages":       false,
		"var/lib/dpkg/status":               false,
	} {
		if got := (Collector{}).Wants(p); got != want {
			t.Errorf("Wants(%q) = %v, want %v", p, got, want)
		}
	}
}
