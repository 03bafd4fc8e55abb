package ipdata

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// smallSnapshot is a snapshot built from the test samples: quick to
// decode, so the many corrupted-cache cases each pay a real miss.
func smallSnapshot(t testing.TB) *Snapshot {
	t.Helper()
	var ins []Input
	for _, p := range []string{rirSample, ip2asnSample} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		ins = append(ins, Input{Name: p, R: bytes.NewReader(b)})
	}
	s, err := Build(ins, Meta{Name: "small", Sources: []Source{{Name: "samples", License: "test"}}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// cacheProbes returns about n addresses: the first and last of evenly
// spread segments of both families (where off-by-one errors show), and
// random ones, some as IPv4-mapped IPv6.
func cacheProbes(s *Snapshot, n int) []netip.Addr {
	segs := 0
	s.eachSegment(func(u128, u128, bool, uint32) bool { segs++; return true })
	step, i := max(1, segs/(n/2)), 0
	var out []netip.Addr
	s.eachSegment(func(start, end u128, v6 bool, _ uint32) bool {
		if i%step == 0 {
			out = append(out, start.addr(v6), end.addr(v6))
		}
		i++
		return true
	})
	rng := rand.New(rand.NewPCG(5, 6))
	for range n / 4 {
		v4 := u128{0, uint64(rng.Uint32())}.addr(false)
		out = append(out, v4, netip.AddrFrom16(v4.As16()), u128{rng.Uint64() >> 2, rng.Uint64()}.addr(true))
	}
	return out
}

// answers is everything a test compares between two snapshots: Meta, the
// lookups of probes and the prefixes of asns.
type answers struct {
	Meta     Meta
	Lookups  []string
	Prefixes []string
}

func answersOf(s *Snapshot, probes []netip.Addr, asns []uint32) answers {
	a := answers{Meta: s.Meta()}
	for _, p := range probes {
		a.Lookups = append(a.Lookups, fmt.Sprintf("%s %+v", p, s.Lookup(p)))
	}
	s.PrefixesOf(asns, func(p netip.Prefix, in Info) bool {
		a.Prefixes = append(a.Prefixes, fmt.Sprintf("%s %+v", p, in))
		return true
	})
	return a
}

func cachePath(dir string, raw []byte) string {
	sum := sha256.Sum256(raw)
	return filepath.Join(dir, hex.EncodeToString(sum[:8])+".tables")
}

// TestCacheAnswersAsDecoded: a snapshot from its cache answers exactly
// as the decoded one, and the miss that wrote the cache did too.
func TestCacheAnswersAsDecoded(t *testing.T) {
	small := smallSnapshot(t)
	for _, tc := range []struct {
		name string
		raw  []byte
		asns []uint32
		n    int
	}{
		{"embedded", embedded, []uint32{200, 13238, 136907, 396986, 45090, 4134}, 4000},
		{"small", small.raw, []uint32{13238, 13335, 64500}, 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := decode(tc.raw, tc.name)
			if err != nil {
				t.Fatal(err)
			}
			probes := cacheProbes(want, tc.n)
			wantAns := answersOf(want, probes, tc.asns)
			if len(wantAns.Prefixes) == 0 {
				t.Fatalf("no prefixes for %v: the test compares nothing", tc.asns)
			}
			dir := t.TempDir()
			for i, wantHit := range []bool{false, true, true} {
				s, out, err := openCached(tc.raw, tc.name, dir)
				if err != nil || out.hit != wantHit || out.writeErr != nil {
					t.Fatalf("open %d: hit %v (want %v), err %v, read %v, write %v", i, out.hit, wantHit, err, out.readErr, out.writeErr)
				}
				if diff := cmp.Diff(wantAns, answersOf(s, probes, tc.asns)); diff != "" {
					t.Errorf("open %d (hit %v): answers differ from the decoded snapshot (-want +got):\n%s", i, out.hit, diff)
				}
				var w bytes.Buffer
				if err := s.Write(&w); err != nil || !bytes.Equal(w.Bytes(), tc.raw) {
					t.Errorf("open %d: Write gives other bytes than the snapshot (err %v)", i, err)
				}
			}
		})
	}
}

// fixCRC recomputes a cache file's checksum, so that a test reaches the
// structural checks behind it.
func fixCRC(b []byte) {
	binary.LittleEndian.PutUint32(b[48:], crc32.Checksum(b[cacheHeaderLen:], crc32.MakeTable(crc32.Castagnoli)))
}

func headerLayout(b []byte) cacheLayout {
	var n [7]uint32
	for i := range n {
		n[i] = binary.LittleEndian.Uint32(b[56+4*i:])
	}
	return layoutOf(cacheCounts{n[0], n[1], n[2], n[3], n[4], n[5], n[6]})
}

// TestCacheCorrupt: a damaged, truncated or foreign cache is refused
// with a reason, ignored, and rewritten; the snapshot still answers.
func TestCacheCorrupt(t *testing.T) {
	small := smallSnapshot(t)
	sum := sha256.Sum256(small.raw)
	decoded, err := decode(small.raw, "small")
	if err != nil {
		t.Fatal(err)
	}
	good, err := marshalCache(decoded, sum) // what a miss writes
	if err != nil {
		t.Fatal(err)
	}
	probes := cacheProbes(small, 200)
	asns := []uint32{13238, 64500}
	wantAns := answersOf(small, probes, asns)
	l := headerLayout(good)
	le := binary.LittleEndian

	type corruption struct {
		name   string
		change func(b []byte) []byte
		msg    string // in the reason given
	}
	var cases []corruption
	for off := 0; off < len(good); off += 1 + off/3 + len(good)/97 {
		cases = append(cases, corruption{fmt.Sprintf("flip byte %d", off), func(b []byte) []byte { b[off] ^= 0x10; return b }, ""})
	}
	for _, n := range []int{0, 1, 8, 47, 95, 96, 97, int(l.seg4), len(good) / 2, len(good) - 8, len(good) - 1} {
		cases = append(cases, corruption{fmt.Sprintf("truncated to %d", n), func(b []byte) []byte { return b[:n] }, ""})
	}
	cases = append(cases,
		corruption{"bytes appended", func(b []byte) []byte { return append(b, 0, 0, 0, 0, 0, 0, 0, 0) }, "the file has"},
		corruption{"other snapshot", func(b []byte) []byte { b[20]++; return b }, "tables of snapshot"},
		corruption{"version 2", func(b []byte) []byte { le.PutUint32(b[8:], 2); return b }, "format version 2"},
		corruption{"bad magic", func(b []byte) []byte { b[0] = 'X'; return b }, "bad magic"},
		corruption{"checksum", func(b []byte) []byte { b[len(b)-5] ^= 1; return b }, "checksum"},
		corruption{"IPv4 index descends", func(b []byte) []byte {
			le.PutUint32(b[l.index4+4*300:], le.Uint32(b[l.index4+4*299:])-1)
			fixCRC(b)
			return b
		}, "index entry"},
		corruption{"IPv6 index beyond the table", func(b []byte) []byte {
			le.PutUint32(b[l.index6+4*1000:], 1<<20)
			fixCRC(b)
			return b
		}, "index entry"},
		corruption{"IPv4 starts out of order", func(b []byte) []byte {
			x := le.Uint64(b[l.seg4+8:])
			le.PutUint64(b[l.seg4+16:], x)
			fixCRC(b)
			return b
		}, "IPv4 segment 2"},
		corruption{"IPv6 info out of range", func(b []byte) []byte {
			le.PutUint32(b[l.seg6+16+8:], 1<<20)
			fixCRC(b)
			return b
		}, "IPv6 segment 1"},
		corruption{"info's organisation out of range", func(b []byte) []byte {
			le.PutUint32(b[l.infos+12+4:], 1<<24)
			fixCRC(b)
			return b
		}, "info 1 out of range"},
		corruption{"info's country out of range", func(b []byte) []byte {
			le.PutUint16(b[l.infos+12*2+10:], 999)
			fixCRC(b)
			return b
		}, "info 2 out of range"},
		corruption{"country not a code", func(b []byte) []byte { b[l.countries] = 'a'; fixCRC(b); return b }, "country"},
		corruption{"second-level index beyond its table", func(b []byte) []byte {
			le.PutUint32(b[l.subOf+4*7:], 1000)
			fixCRC(b)
			return b
		}, "second-level index"},
		corruption{"meta not JSON", func(b []byte) []byte { b[l.meta] = '['; fixCRC(b); return b }, "meta JSON"},
	)

	dir := t.TempDir()
	path := cachePath(dir, small.raw)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bad := tc.change(bytes.Clone(good))
			b := alignedBytes(len(bad))
			copy(b, bad)
			if _, err := parseCache(b, sum); err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("parseCache = %v, want an error saying %q", err, tc.msg)
			}
			if err := os.WriteFile(path, bad, 0o644); err != nil {
				t.Fatal(err)
			}
			s, out, err := openCached(small.raw, "small", dir)
			if err != nil || out.hit || out.readErr == nil || out.writeErr != nil {
				t.Fatalf("hit %v, err %v, read %v, write %v; want a miss that rewrites", out.hit, err, out.readErr, out.writeErr)
			}
			if diff := cmp.Diff(wantAns, answersOf(s, probes, asns)); diff != "" {
				t.Errorf("answers differ (-want +got):\n%s", diff)
			}
			if now, err := os.ReadFile(path); err != nil || !bytes.Equal(now, good) {
				t.Errorf("cache not rewritten (err %v)", err)
			}
		})
	}
}

// TestCacheConcurrent: openers racing on an empty directory all get the
// right snapshot, and leave one valid cache and no temporary files.
func TestCacheConcurrent(t *testing.T) {
	want := embeddedSnapshot(t)
	probes := cacheProbes(want, 1000)
	asns := []uint32{200, 13238}
	wantAns := answersOf(want, probes, asns)
	dir := filepath.Join(t.TempDir(), "not", "yet")
	const n = 6
	got := make([]answers, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			s, err := OpenCached(embedded, "embedded", dir)
			if err != nil {
				t.Error(err)
				return
			}
			got[i] = answersOf(s, probes, asns)
		})
	}
	wg.Wait()
	for i := range got {
		if diff := cmp.Diff(wantAns, got[i]); diff != "" {
			t.Errorf("opener %d (-want +got):\n%s", i, diff)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if want := []string{cachePath(dir, embedded)}; !cmp.Equal(files, want) {
		t.Errorf("files %v, want %v", files, want)
	}
	if _, out, err := openCached(embedded, "embedded", dir); err != nil || !out.hit {
		t.Errorf("after the race: hit %v, err %v, read %v", out.hit, err, out.readErr)
	}
}

// TestCacheOff: EMBARGO_CACHE_DIR chooses the directory, "off" gives
// none, and no directory means no file is written.
func TestCacheOff(t *testing.T) {
	user, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ env, want string }{
		{"", filepath.Join(user, "embargo", "ipdata")},
		{"/somewhere/else", "/somewhere/else"},
		{"off", ""},
	} {
		t.Setenv(CacheDirEnv, tc.env)
		if got := CacheDir(); got != tc.want {
			t.Errorf("%s=%q: CacheDir() = %q, want %q", CacheDirEnv, tc.env, got, tc.want)
		}
	}
	small := smallSnapshot(t)
	dir := t.TempDir()
	t.Chdir(dir) // a relative path written by mistake would land here
	s, out, err := openCached(small.raw, "small", "")
	if err != nil || out.hit || out.readErr != nil || out.writeErr != nil || s.Meta().Digest != small.Meta().Digest {
		t.Fatalf("no cache: hit %v, err %v, read %v, write %v", out.hit, err, out.readErr, out.writeErr)
	}
	if files, _ := os.ReadDir(dir); len(files) != 0 {
		t.Errorf("files written with the cache off: %v", files)
	}
}

// TestCacheUnwritable: when the cache cannot be written the snapshot is
// returned all the same. (Tests run as root, who may write anywhere, so
// the directory's parent is a file.)
func TestCacheUnwritable(t *testing.T) {
	small := smallSnapshot(t)
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	s, out, err := openCached(small.raw, "small", filepath.Join(file, "cache"))
	if err != nil || out.writeErr == nil {
		t.Fatalf("err %v, write error %v; want the snapshot and a write error", err, out.writeErr)
	}
	probes := cacheProbes(small, 100)
	if diff := cmp.Diff(answersOf(small, probes, []uint32{13238}), answersOf(s, probes, []uint32{13238})); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, err := OpenCached(small.raw, "small", filepath.Join(file, "cache")); err != nil {
		t.Errorf("OpenCached: %v", err)
	}
}

// TestEmbeddedCached: the exported entry point loads through the cache
// and memoises like Embedded.
func TestEmbeddedCached(t *testing.T) {
	s, err := EmbeddedCached(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	db, err := Embedded()
	if err != nil || db.(*Snapshot) != s {
		t.Errorf("Embedded and EmbeddedCached give different snapshots (err %v)", err)
	}
}

// A cache directory keeps the newest keepCaches cache files; other files
// are left alone.
func TestCachePrune(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	for i := range 7 {
		p := filepath.Join(dir, fmt.Sprintf("%016x.tables", i))
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		at := now.Add(time.Duration(i) * time.Minute)
		if err := os.Chtimes(p, at, at); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	prune(dir, keepCaches)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	want := []string{"0000000000000003.tables", "0000000000000004.tables", "0000000000000005.tables", "0000000000000006.tables", "notes.txt"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("left (-want +got):\n%s", diff)
	}
}
