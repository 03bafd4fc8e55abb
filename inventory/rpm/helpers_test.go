package rpm

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"go/build"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/internal/testtool"
)

// goRPMDBTestdata returns the folder of rpm databases that go-rpmdb ships
// for its own tests, in the module cache (not copied here: they are
// someone else's files). The version is read from go.mod rather than
// asked of the go command, which would cost seconds in every fuzz worker.
func goRPMDBTestdata(t testing.TB) string {
	t.Helper()
	const mod = "github.com/knqyf263/go-rpmdb"
	gomod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	version := ""
	for _, l := range strings.Split(string(gomod), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == mod {
			version = f[1]
		}
	}
	cache := os.Getenv("GOMODCACHE")
	if cache == "" {
		cache = filepath.Join(build.Default.GOPATH, "pkg", "mod")
	}
	dir := filepath.Join(cache, mod+"@"+version, "pkg", "testdata")
	if _, err := os.Stat(dir); err != nil || version == "" {
		t.Fatalf("go-rpmdb's test databases (%s %q in go.mod): %v (run go mod download)", mod, version, err)
	}
	return dir
}

// testDatabases lists go-rpmdb's test databases: folder name → file.
func testDatabases(t testing.TB) map[string]string {
	t.Helper()
	dir := goRPMDBTestdata(t)
	out := map[string]string{}
	for _, base := range []string{"Packages", "Packages.db", "rpmdb.sqlite"} {
		m, err := filepath.Glob(filepath.Join(dir, "*", base))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range m {
			out[filepath.Base(filepath.Dir(p))] = p
		}
	}
	if len(out) < 10 {
		t.Fatalf("found %d test databases in %s, expected the 16 of go-rpmdb v0.1.1", len(out), dir)
	}
	return out
}

// blobsOf returns the package headers of a database, as the guard's walk
// finds them.
func blobsOf(t testing.TB, path string) [][]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	var blobs [][]byte
	emit := func(_ int64, b []byte) error {
		blobs = append(blobs, bytes.Clone(b))
		return nil
	}
	head := make([]byte, 32)
	if _, err := f.ReadAt(head, 0); err != nil {
		t.Fatal(err)
	}
	switch sniff(head) {
	case formatNDB:
		err = walkNDB(f, fi.Size(), emit)
	case formatBDB:
		err = walkBDB(f, fi.Size(), emit)
	default:
		err = walkSQLite(context.Background(), path, emit)
	}
	if err != nil || len(blobs) == 0 {
		t.Fatalf("%s: %d headers, %v", path, len(blobs), err)
	}
	return blobs
}

// smallest returns the n smallest headers.
func smallest(blobs [][]byte, n int) [][]byte {
	s := append([][]byte(nil), blobs...)
	sort.SliceStable(s, func(i, j int) bool { return len(s[i]) < len(s[j]) })
	return s[:min(n, len(s))]
}

// ndbFile builds an NDB database (one slot page) holding the headers, laid
// out as rpm's ndb backend writes it (lib/backend/ndb/rpmpkg.c).
func ndbFile(blobs [][]byte) []byte {
	le := binary.LittleEndian
	out := make([]byte, 4096)
	le.PutUint32(out, ndbMagic)
	le.PutUint32(out[12:], 1) // slot pages
	for i := range 254 {
		le.PutUint32(out[32+16*i:], ndbSlotMagic)
	}
	for i, b := range blobs {
		off := len(out)
		slot := out[32+16*i:]
		le.PutUint32(slot[4:], uint32(i+1))
		le.PutUint32(slot[8:], uint32(off/16))
		le.PutUint32(slot[12:], uint32((16+len(b)+16+15)/16))
		hdr := make([]byte, 16)
		le.PutUint32(hdr, ndbBlobMagic)
		le.PutUint32(hdr[4:], uint32(i+1))
		le.PutUint32(hdr[12:], uint32(len(b)))
		out = append(append(out, hdr...), b...)
		out = append(out, make([]byte, 16+(16-len(out)%16)%16)...) // tail, then block alignment
	}
	return out
}

// bdbFile builds a Berkeley DB hash database holding the headers as rpm's
// Packages file does (db_page.h): a metadata page, one hash page of key
// (package number) and off-page value pairs, and a chain of overflow pages
// per header.
func bdbFile(blobs [][]byte, pageSize int) []byte {
	le := binary.LittleEndian
	const hdr = bdbHeaderSize
	per := pageSize - hdr
	pages := [][]byte{make([]byte, pageSize), make([]byte, pageSize)} // metadata, hash
	hash := pages[1]
	le.PutUint32(hash[8:], 1)
	hash[25] = bdbPageHash
	top := pageSize
	for i, b := range blobs {
		first := len(pages)
		for off := 0; off < len(b) || off == 0; off += per {
			p := make([]byte, pageSize)
			no := len(pages)
			le.PutUint32(p[8:], uint32(no))
			if no > first {
				le.PutUint32(p[12:], uint32(no-1))
			}
			n := copy(p[hdr:], b[off:])
			if off+per < len(b) {
				le.PutUint32(p[16:], uint32(no+1))
			}
			le.PutUint16(p[20:], 1)
			le.PutUint16(p[22:], uint16(n))
			p[25] = bdbPageOverflow
			pages = append(pages, p)
		}
		// The key: an H_KEYDATA item holding the package number.
		top -= 5
		hash[top] = 1
		le.PutUint32(hash[top+1:], uint32(i+1))
		le.PutUint16(hash[hdr+4*i:], uint16(top))
		// The value: an H_OFFPAGE item pointing at the chain.
		top -= bdbHOffSize
		hash[top] = bdbPageHOffPage
		le.PutUint32(hash[top+4:], uint32(first))
		le.PutUint32(hash[top+8:], uint32(len(b)))
		le.PutUint16(hash[hdr+4*i+2:], uint16(top))
	}
	le.PutUint16(hash[20:], uint16(2*len(blobs)))
	le.PutUint16(hash[22:], uint16(top))
	meta := pages[0]
	le.PutUint32(meta[12:], bdbHashMagic)
	le.PutUint32(meta[16:], 9) // hash version
	le.PutUint32(meta[20:], uint32(pageSize))
	meta[25] = bdbPageHashMeta
	le.PutUint32(meta[32:], uint32(len(pages)-1))
	le.PutUint32(meta[84:], 1)                  // fill factor
	le.PutUint32(meta[88:], uint32(len(blobs))) // keys
	le.PutUint32(meta[96:], 1)                  // spares[0]: bucket 0 is page 1
	return bytes.Join(pages, nil)
}

// sqliteFile writes an SQLite database with rpm's Packages table holding
// the headers, as rpm's sqlite backend creates it (with small pages, to
// keep fuzz seeds small), and returns its bytes.
func sqliteFile(t testing.TB, blobs [][]byte) []byte {
	t.Helper()
	p := filepath.Join(t.TempDir(), "rpmdb.sqlite")
	db, err := sql.Open("sqlite", p)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{"PRAGMA page_size = 512", "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	for _, b := range blobs {
		if _, err := db.Exec("INSERT INTO Packages (blob) VALUES (?)", b); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// writeTemp writes data to a file named base in a new temporary folder.
func writeTemp(t testing.TB, base string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), base)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func mustRead(t testing.TB, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// rpmList asks Debian's rpm, an independent reader, for the packages of
// the database in dir, one "name<TAB>epoch:version-release<TAB>vendor<TAB>url"
// line each, sorted.
func rpmList(t *testing.T, dir, backend string) []string {
	t.Helper()
	cmd := exec.Command(testtool.Command(t, "rpm", "rpm"), "-qa", "--dbpath", dir, "--define", "_db_backend "+backend,
		"--qf", `%{NAME}\t%{EVR}\t%{VENDOR}\t%{URL}\n`)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("rpm -qa --dbpath %s: %v\n%s", dir, err, stderr.String())
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
		if l != "" {
			lines = append(lines, strings.ReplaceAll(l, "(none)", ""))
		}
	}
	sort.Strings(lines)
	return lines
}
