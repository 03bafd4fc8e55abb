package winreg

import (
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/internal/testtool"
)

// emptyHive is the smallest hive hivex opens: a header, one 4 KiB bin
// with a root key, its security record and a free cell. hivexregedit
// merges into an existing hive only, and Debian ships no template.
func emptyHive() []byte {
	le := binary.LittleEndian
	b := make([]byte, 2*firstBin)
	copy(b, "regf")
	le.PutUint32(b[4:], 1)       // sequence numbers, equal: written cleanly
	le.PutUint32(b[8:], 1)       //
	le.PutUint32(b[20:], 1)      // format version 1.3
	le.PutUint32(b[24:], 3)      //
	le.PutUint32(b[32:], 1)      // direct memory load
	le.PutUint32(b[36:], 0x20)   // root key cell
	le.PutUint32(b[40:], 0x1000) // bins size
	le.PutUint32(b[44:], 1)      // clustering factor
	var sum uint32
	for i := 0; i < 508; i += 4 {
		sum ^= le.Uint32(b[i:])
	}
	le.PutUint32(b[508:], sum)

	bin := b[firstBin:]
	copy(bin, "hbin")
	le.PutUint32(bin[8:], 0x1000)
	const nkCell, skCell, freeCell = 0x20, 0x78, 0xa8
	cell := func(off, size int) []byte {
		le.PutUint32(bin[off:], uint32(-int32(size)))
		return bin[off+4 : off+size]
	}
	nk := cell(nkCell, skCell-nkCell)
	copy(nk, "nk")
	le.PutUint16(nk[2:], 0x2c) // hive entry, no delete, compressed name
	for _, off := range []int{28, 32, 40, 48} {
		le.PutUint32(nk[off:], 0xffffffff) // no subkeys, volatile subkeys, values, class
	}
	le.PutUint32(nk[44:], skCell)
	le.PutUint16(nk[72:], 4)
	copy(nk[76:], "ROOT")
	sk := cell(skCell, freeCell-skCell)
	copy(sk, "sk")
	le.PutUint32(sk[4:], skCell) // the only security record: its own neighbours
	le.PutUint32(sk[8:], skCell)
	le.PutUint32(sk[12:], 1)  // reference count
	le.PutUint32(sk[16:], 20) // descriptor: self-relative, no owner, null DACL
	sk[20] = 1
	le.PutUint16(sk[22:], 0x8004)
	le.PutUint32(bin[freeCell:], 0x1000-freeCell)
	return b
}

// buildHive makes a hive with Debian's hivexregedit from .reg sections
// below prefix (HKEY_LOCAL_MACHINE\SOFTWARE, say); the parents of every
// section are added before it, since hivexregedit creates one level at a
// time. The test fails when hivexregedit (libwin-hivex-perl) is missing.
func buildHive(t testing.TB, prefix, reg string) []byte {
	t.Helper()
	tool := testtool.Command(t, "hivexregedit", "libwin-hivex-perl")
	dir := t.TempDir()
	hivePath, regPath := filepath.Join(dir, "hive"), filepath.Join(dir, "merge.reg")
	if err := os.WriteFile(hivePath, emptyHive(), 0o644); err != nil {
		t.Fatal(err)
	}
	text := "Windows Registry Editor Version 5.00\n\n" + withParents(prefix, reg)
	if err := os.WriteFile(regPath, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(tool, "--merge", "--prefix", prefix, hivePath, regPath)
	cmd.Env = append(os.Environ(), "PERL_UNICODE=D") // read the .reg file as UTF-8
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("hivexregedit --merge: %v\n%s\n.reg file:\n%s", err, out, text)
	}
	data, err := os.ReadFile(hivePath)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// withParents puts a section for every missing ancestor of each section
// before it, and a blank line between sections.
func withParents(prefix, reg string) string {
	seen := map[string]bool{strings.ToLower(prefix): true}
	var b strings.Builder
	for _, line := range strings.Split(reg, "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			path := line[1 : len(line)-1]
			parts := strings.Split(path, `\`)
			for i := range parts {
				p := strings.Join(parts[:i+1], `\`)
				if len(p) <= len(prefix) || seen[strings.ToLower(p)] {
					continue
				}
				seen[strings.ToLower(p)] = true
				if p != path {
					b.WriteString("\n[" + p + "]\n")
				}
			}
			b.WriteString("\n" + line + "\n")
			continue
		}
		if strings.TrimSpace(line) != "" {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

func writeFile(t testing.TB, name string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
