package release

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// SumsFile is the name of the checksum file a release carries.
const SumsFile = "SHA256SUMS"

// maxSumsLine bounds one line of a checksum file: a digest, two spaces and
// a file name.
const maxSumsLine = 4096

// FileSHA256 is the hex SHA-256 of the file at path.
func FileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("reading %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// WriteSums writes dir/SHA256SUMS for the named files of dir, sorted by
// name, in the format `sha256sum -c` checks: the digest, two spaces, the
// name.
func WriteSums(dir string, names []string) error {
	names = slices.Sorted(slices.Values(names))
	var b bytes.Buffer
	for _, n := range names {
		if n != filepath.Base(n) || strings.ContainsAny(n, "\n\\") {
			return fmt.Errorf("%q: a checksum file names plain files of its own directory", n)
		}
		sum, err := FileSHA256(filepath.Join(dir, n))
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s  %s\n", sum, n)
	}
	return os.WriteFile(filepath.Join(dir, SumsFile), b.Bytes(), 0o644)
}

// ParseSums reads a checksum file: one "DIGEST  NAME" (or "DIGEST *NAME")
// a line. Errors name the line.
func ParseSums(r io.Reader) (map[string]string, error) {
	sums := map[string]string{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 256), maxSumsLine)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		digest, name, ok := strings.Cut(text, " ")
		if !ok || len(digest) != 64 || len(name) < 2 || (name[0] != ' ' && name[0] != '*') {
			return nil, fmt.Errorf("line %d: want a SHA-256 digest, two spaces and a file name, got %q", line, text)
		}
		if _, err := hex.DecodeString(digest); err != nil {
			return nil, fmt.Errorf("line %d: digest %q is not hexadecimal", line, digest)
		}
		name = name[1:]
		if _, dup := sums[name]; dup {
			return nil, fmt.Errorf("line %d: %q listed twice", line, name)
		}
		sums[name] = strings.ToLower(digest)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", line+1, err)
	}
	return sums, nil
}
