package agent

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/embargo-dev/embargo/internal/atomicfile"
)

// Limits of an upload, the server's (see the fleet contract): a body
// larger than these would be refused with 413, so it is not spooled.
const (
	MaxUploadCompressed   = 32 << 20
	MaxUploadDecompressed = 256 << 20
)

// maxRejected bounds StateDir/rejected/: the newest files are kept for
// someone to look at, the oldest removed.
const maxRejected = 16

// spoolMagic opens every spool file, with its format version.
const spoolMagic = "embargo-spool 1\n"

// Upload kinds, named after their endpoints (POST /api/v1/uploads/KIND).
const (
	KindInventory = "inventory"
	KindFlows     = "flows"
)

// spoolName is how spool files are named: a sequence number that orders
// them oldest first across restarts, and the kind.
var spoolName = regexp.MustCompile(`^([0-9]{20})-(inventory|flows)\.upload$`)

// Upload is one report waiting to be sent: the gzip of the body, the
// SHA-256 of the uncompressed body (the Embargo-Digest) and the content
// digest that decides whether a later scan changed anything.
type Upload struct {
	Kind    string    `json:"kind"`
	Digest  string    `json:"digest"`
	Content string    `json:"content"`
	Created time.Time `json:"created"`
	Gzip    []byte    `json:"-"`
}

// ReadSpoolFile reads and checks one spool file: a corrupt or truncated
// file is an error naming it, so it can be set aside rather than block
// the spool.
func ReadSpoolFile(path string) (Upload, error) {
	f, err := os.Open(path)
	if err != nil {
		return Upload{}, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxUploadCompressed+maxStateFile+1))
	if err != nil {
		return Upload{}, fmt.Errorf("reading spool file %q: %w", path, err)
	}
	return decodeSpool(path, data)
}

func decodeSpool(path string, data []byte) (Upload, error) {
	u, rest, err := decodeSpoolHeader(data)
	if err != nil {
		return Upload{}, fmt.Errorf("spool file %q is corrupt: %w", path, err)
	}
	if len(rest) > MaxUploadCompressed {
		return Upload{}, fmt.Errorf("spool file %q is larger than %d bytes", path, MaxUploadCompressed)
	}
	sum, err := gunzipDigest(rest)
	if err != nil {
		return Upload{}, fmt.Errorf("spool file %q is corrupt: %w", path, err)
	}
	if sum != u.Digest {
		return Upload{}, fmt.Errorf("spool file %q is corrupt: body digest %s, header says %s", path, sum, u.Digest)
	}
	u.Gzip = rest
	return u, nil
}

// decodeSpoolHeader reads the magic line and the JSON header line.
func decodeSpoolHeader(data []byte) (Upload, []byte, error) {
	var u Upload
	rest, ok := bytes.CutPrefix(data, []byte(spoolMagic))
	if !ok {
		return u, nil, errors.New("not a spool file (bad first line)")
	}
	head, rest, ok := bytes.Cut(rest, []byte("\n"))
	if !ok || len(head) > maxStateFile {
		return u, nil, errors.New("no header line")
	}
	if err := json.Unmarshal(head, &u); err != nil {
		return u, nil, fmt.Errorf("header: %w", err)
	}
	if u.Kind != KindInventory && u.Kind != KindFlows {
		return u, nil, fmt.Errorf("header: unknown kind %q", u.Kind)
	}
	if !isHexDigest(u.Digest) || !isHexDigest(u.Content) {
		return u, nil, errors.New("header: digests are not SHA-256 hex")
	}
	return u, rest, nil
}

func isHexDigest(s string) bool {
	b, err := hex.DecodeString(s)
	return err == nil && len(b) == sha256.Size
}

// gunzipDigest is the hex SHA-256 of what gz decompresses to (at most
// MaxUploadDecompressed bytes).
func gunzipDigest(gz []byte) (string, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return "", err
	}
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(zr, MaxUploadDecompressed+1))
	if err != nil {
		return "", err
	}
	if n > MaxUploadDecompressed {
		return "", fmt.Errorf("body decompresses to more than %d bytes", MaxUploadDecompressed)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func encodeSpool(u Upload) []byte {
	head, _ := json.Marshal(u)
	var b bytes.Buffer
	b.WriteString(spoolMagic)
	b.Write(head)
	b.WriteByte('\n')
	b.Write(u.Gzip)
	return b.Bytes()
}

// spool is StateDir/spool: one file per upload waiting to be sent.
type spool struct {
	dir, rejected string
	maxCount      int
	maxBytes      int64
	now           func() time.Time
}

// spooled is a spool file found on disk.
type spooled struct {
	path string
	seq  uint64
	kind string
	size int64
}

// list returns the spool files oldest first, and removes the temporary
// files a crash mid-write left behind.
func (s *spool) list() ([]spooled, error) {
	ents, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, fmt.Errorf("listing the spool %q: %w", s.dir, err)
	}
	var out []spooled
	for _, e := range ents {
		name := e.Name()
		if strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp") && e.Type().IsRegular() {
			os.Remove(filepath.Join(s.dir, name)) // a torn temporary file
			continue
		}
		m := spoolName.FindStringSubmatch(name)
		if m == nil || !e.Type().IsRegular() {
			continue
		}
		seq, _ := strconv.ParseUint(m[1], 10, 64)
		var size int64
		if fi, err := e.Info(); err == nil {
			size = fi.Size()
		}
		out = append(out, spooled{path: filepath.Join(s.dir, name), seq: seq, kind: m[2], size: size})
	}
	slices.SortFunc(out, func(a, b spooled) int { return compareUint(a.seq, b.seq) })
	return out, nil
}

func compareUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// add writes u durably as the newest spool file, then drops the oldest
// files until the spool is within its bounds again; it returns how many
// were dropped.
func (s *spool) add(u Upload) (dropped int, err error) {
	files, err := s.list()
	if err != nil {
		return 0, err
	}
	// The clock keeps names unique and ordered across restarts (and in
	// rejected/, where old names stay); the last number + 1 keeps them
	// ordered should the clock go back.
	seq := uint64(max(s.now().UnixNano(), 1))
	if len(files) > 0 {
		seq = max(seq, files[len(files)-1].seq+1)
	}
	data := encodeSpool(u)
	path := filepath.Join(s.dir, fmt.Sprintf("%020d-%s.upload", seq, u.Kind))
	if err := atomicfile.Write(path, data, 0o600); err != nil {
		return 0, err
	}
	files = append(files, spooled{path: path, seq: seq, kind: u.Kind, size: int64(len(data))})
	var total int64
	for _, f := range files {
		total += f.size
	}
	// The newest file always stays, even alone over the byte bound: it is
	// the one report that says how the host is now.
	for len(files) > 1 && (len(files) > s.maxCount || total > s.maxBytes) {
		if err := os.Remove(files[0].path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return dropped, fmt.Errorf("dropping the oldest spool file: %w", err)
		}
		total -= files[0].size
		files = files[1:]
		dropped++
	}
	if dropped > 0 {
		return dropped, atomicfile.SyncDir(s.dir)
	}
	return 0, nil
}

// newest returns the header of the newest spooled upload of kind.
func (s *spool) newest(kind string) (Upload, bool) {
	files, err := s.list()
	if err != nil {
		return Upload{}, false
	}
	for i := len(files) - 1; i >= 0; i-- {
		if files[i].kind != kind {
			continue
		}
		f, err := os.Open(files[i].path)
		if err != nil {
			return Upload{}, false
		}
		head, _ := io.ReadAll(io.LimitReader(bufio.NewReader(f), maxStateFile))
		f.Close()
		u, _, err := decodeSpoolHeader(head)
		return u, err == nil
	}
	return Upload{}, false
}

// remove deletes an acknowledged upload.
func (s *spool) remove(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("removing acknowledged spool file: %w", err)
	}
	return atomicfile.SyncDir(s.dir)
}

// reject moves a file the server refused (or that is corrupt) to
// rejected/, keeping the newest maxRejected there.
func (s *spool) reject(path string) (string, error) {
	dst := filepath.Join(s.rejected, filepath.Base(path))
	if err := os.Rename(path, dst); err != nil {
		return "", fmt.Errorf("moving %q to %q: %w", path, s.rejected, err)
	}
	if err := atomicfile.SyncDir(s.rejected); err != nil {
		return dst, err
	}
	if err := atomicfile.SyncDir(s.dir); err != nil {
		return dst, err
	}
	ents, err := os.ReadDir(s.rejected)
	if err == nil && len(ents) > maxRejected {
		for _, e := range ents[:len(ents)-maxRejected] { // ReadDir sorts by name: oldest first
			os.Remove(filepath.Join(s.rejected, e.Name()))
		}
	}
	return dst, nil
}
