package ipdata

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"unsafe"
)

// Decoding the embedded snapshot (inflate, then varints into tables)
// costs 60-90 ms of CPU, paid by every run of 'embargo flows' while
// its cores are busy parsing. The table cache keeps the decoded tables
// on disk, keyed by the snapshot's SHA-256, so that later runs read
// them and check them instead (a few ms).

// CacheDirEnv names the environment variable that sets the table cache
// directory; CacheOff as its value turns the cache off.
const (
	CacheDirEnv = "EMBARGO_CACHE_DIR"
	CacheOff    = "off"
)

// CacheDir returns where the table cache lives: $EMBARGO_CACHE_DIR, else
// embargo/ipdata in the user's cache directory (os.UserCacheDir); ""
// when the variable is "off" or no cache directory is known, which
// EmbeddedCached and OpenCached take as no cache.
func CacheDir() string {
	if d := os.Getenv(CacheDirEnv); d != "" {
		if d == CacheOff {
			return ""
		}
		return d
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "embargo", "ipdata")
}

// embeddedOnce memoises the embedded snapshot for Embedded and
// EmbeddedCached alike: both give the same data, so the first load serves
// the process.
var embeddedOnce struct {
	sync.Mutex
	s *Snapshot
}

func loadEmbedded(cacheDir string) (*Snapshot, error) {
	embeddedOnce.Lock()
	defer embeddedOnce.Unlock()
	if embeddedOnce.s == nil {
		s, err := OpenCached(embedded, "embedded "+EmbeddedName, cacheDir)
		if err != nil {
			return nil, err
		}
		embeddedOnce.s = s
	}
	return embeddedOnce.s, nil
}

// EmbeddedCached is Embedded with the decoded tables cached in dir, as
// OpenCached does; dir "" means no cache.
func EmbeddedCached(dir string) (*Snapshot, error) { return loadEmbedded(dir) }

// OpenCached decodes raw, a snapshot file named name in errors, using a
// cache of its decoded tables in dir: dir/<first 16 hex digits of its
// SHA-256>.tables. A valid cache is used in place; a missing, stale or
// damaged one is ignored, the snapshot decoded and the cache (re)written
// through a temporary file renamed into place, so that concurrent runs
// never read a partial file. Failing to write the cache is not an
// error. dir "" means no cache. Meta, Lookup and PrefixesOf answer the
// same either way. The cache file is read whole into memory, which the
// Snapshot then uses in place.
func OpenCached(raw []byte, name, dir string) (*Snapshot, error) {
	s, _, err := openCached(raw, name, dir)
	return s, err
}

// cacheOutcome says what openCached did with the cache, for tests.
type cacheOutcome struct {
	hit      bool
	readErr  error // why the cache was not used
	writeErr error // why it was not written
}

func openCached(raw []byte, name, dir string) (*Snapshot, cacheOutcome, error) {
	var out cacheOutcome
	if dir == "" || !cacheUsable {
		s, err := decode(raw, name)
		return s, out, err
	}
	sum := sha256.Sum256(raw)
	path := filepath.Join(dir, hex.EncodeToString(sum[:8])+".tables")
	s, err := readCache(path, sum)
	if err == nil {
		s.raw = raw
		s.meta.Digest = "sha256:" + hex.EncodeToString(sum[:])
		out.hit = true
		return s, out, nil
	}
	out.readErr = err
	if s, err = decode(raw, name); err != nil {
		return nil, out, err
	}
	out.writeErr = writeCache(path, s, sum)
	return s, out, nil
}

// OpenCachedFile is Open, with the tables of a snapshot file cached in
// dir as OpenCached does; an MMDB file is read as Open reads it.
func OpenCachedFile(path, dir string) (DB, error) { return openFile(path, dir) }

// readCache reads a cache file whole into an 8-byte-aligned buffer and
// checks it; the Snapshot then uses it in place. It is read, not mapped:
// a mapping would save a copy (about 2 ms), but a file truncated or
// rewritten in place by something else while a run used it would crash
// that run.
func readCache(path string, sum [32]byte) (*Snapshot, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.Size() < cacheHeaderLen || fi.Size() > MaxCacheSize {
		return nil, fmt.Errorf("ipdata: cache %s: size %d not in %d..%d", path, fi.Size(), cacheHeaderLen, MaxCacheSize)
	}
	b := alignedBytes(int(fi.Size()))
	if _, err := io.ReadFull(f, b); err != nil {
		return nil, fmt.Errorf("ipdata: cache %s: %w", path, err)
	}
	s, err := parseCache(b, sum)
	if err != nil {
		return nil, fmt.Errorf("ipdata: cache %s: %w", path, err)
	}
	return s, nil
}

// alignedBytes returns n bytes that start 8-byte aligned, which the
// cache's arrays need to be used in place.
func alignedBytes(n int) []byte {
	if n == 0 {
		return nil
	}
	words := make([]uint64, (n+7)/8)
	return unsafe.Slice((*byte)(unsafe.Pointer(&words[0])), n)
}

// writeCache writes s's tables to path through a temporary file in the
// same directory, renamed into place.
func writeCache(path string, s *Snapshot, sum [32]byte) error {
	b, err := marshalCache(s, sum)
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".tables-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	prune(dir, keepCaches)
	return nil
}

// keepCaches is how many cache files (of as many snapshots, about 14 MB
// each) a cache directory keeps: the embedded one, one refreshed by
// 'embargo data update' and a few given by --ipdata.
const keepCaches = 4

// prune removes all but the newest keep cache files of dir (by
// modification time: a file is written once, when its snapshot is first
// used). A file it cannot remove stays.
func prune(dir string, keep int) {
	names, err := filepath.Glob(filepath.Join(dir, "*.tables"))
	if err != nil || len(names) <= keep {
		return
	}
	type file struct {
		name string
		mod  int64
	}
	var files []file
	for _, n := range names {
		if fi, err := os.Stat(n); err == nil {
			files = append(files, file{n, fi.ModTime().UnixNano()})
		}
	}
	slices.SortFunc(files, func(a, b file) int { return cmp.Compare(b.mod, a.mod) })
	for _, f := range files[min(keep, len(files)):] {
		os.Remove(f.name)
	}
}
