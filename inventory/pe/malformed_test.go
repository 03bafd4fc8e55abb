package pe_test

import (
	"bytes"
	"context"
	"encoding/asn1"
	"encoding/binary"
	"encoding/hex"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
	embpe "github.com/embargo-dev/embargo/inventory/pe"
)

// layout locates the parts of a signed PE64 file that the cases damage.
type layout struct {
	certDir   int // the certificate table's data directory entry
	certTable int // the WIN_CERTIFICATE
	pkcs7Len  int // length of the DER SignedData after it
}

func locate(t *testing.T, data []byte) layout {
	t.Helper()
	lfanew := int(binary.LittleEndian.Uint32(data[0x3c:]))
	l := layout{certDir: lfanew + 24 + 112 + 4*8}
	l.certTable = int(binary.LittleEndian.Uint32(data[l.certDir:]))
	var v asn1.RawValue
	if _, err := asn1.Unmarshal(data[l.certTable+8:], &v); err != nil {
		t.Fatal(err)
	}
	l.pkcs7Len = len(v.FullBytes)
	return l
}

func put32(b []byte, off int, v uint32) { binary.LittleEndian.PutUint32(b[off:], v) }

// collectBytes runs the collector on data placed in Program Files.
func collectBytes(t *testing.T, data []byte) (status string, reasons []string, err error) {
	t.Helper()
	fsys := fstest.MapFS{"Program Files/x.exe": {Data: data}}
	items, unknowns, err := (&embpe.Collector{}).Collect(context.Background(), &inventory.Target{Name: "vol", FS: fsys}, inventory.TargetFile{Path: "Program Files/x.exe"}, inventory.DefaultLimits)
	for _, it := range items {
		status = it.Get(inventory.SignatureStatus)
	}
	for _, u := range unknowns {
		reasons = append(reasons, u.Reason)
	}
	return status, reasons, err
}

// TestMalformed damages the fixtures the way hostile or broken files are
// damaged; each must give a clear verdict and reason, never a panic.
func TestMalformed(t *testing.T) {
	fx := makeSmallFixtures(t)
	signed, err := os.ReadFile(fx.signed)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := os.ReadFile(fx.plain)
	if err != nil {
		t.Fatal(err)
	}
	l := locate(t, signed)
	tests := []struct {
		name   string
		base   []byte
		damage func(b []byte) []byte
		status embpe.Status
		reason string // a regular expression every unknown's reasons, joined, must match
		err    string
	}{
		{"certificate table past the end", signed, func(b []byte) []byte {
			put32(b, l.certDir+4, uint32(len(b)-l.certTable+8))
			return b
		}, embpe.StatusUnreadable, `^byte \d+: certificate table: \d+ bytes at offset \d+ run past the end of the file`, ""},
		{"certificate table too large", signed, func(b []byte) []byte {
			put32(b, l.certDir+4, 1<<30)
			return b
		}, embpe.StatusUnreadable, `certificate table: 1073741824 bytes, more than 16777216`, ""},
		{"entry length smaller than its header", signed, func(b []byte) []byte {
			put32(b, l.certTable, 4)
			return b
		}, embpe.StatusUnreadable, `certificate table: entry length 4 does not fit`, ""},
		{"not PKCS#7 but an X.509 entry", signed, func(b []byte) []byte {
			b[l.certTable+6] = 1
			return b
		}, embpe.StatusUnreadable, `certificate table: no Authenticode \(PKCS#7\) signature in it`, ""},
		{"PKCS#7 garbage", signed, func(b []byte) []byte {
			copy(b[l.certTable+8:], make([]byte, 16))
			return b
		}, embpe.StatusUnreadable, `signature unreadable: PKCS#7 ContentInfo`, ""},
		{"signature value flipped", signed, func(b []byte) []byte {
			b[l.certTable+8+l.pkcs7Len-1] ^= 1
			return b
		}, embpe.StatusBadSignature, `signature does not verify \(tampered\): the signer's RSA signature does not verify`, ""},
		{"code patched and the signed digest rewritten to match", signed, func(b []byte) []byte {
			return patchAndRedigest(t, fx, b)
		}, embpe.StatusBadSignature, `the signed messageDigest attribute does not match the signed content`, ""},
		{"version resource length beyond its data", plain, func(b []byte) []byte {
			i := bytes.Index(b, utf16le("VS_VERSION_INFO"))
			binary.LittleEndian.PutUint16(b[i-6:], 0xffff)
			return b
		}, embpe.StatusUnsigned, `^byte \d+: version resource: block length 65535 does not fit in its parent`, ""},
		{"truncated headers", signed, func(b []byte) []byte { return b[:300] }, "", "", "PE headers"},
		{"text file named .exe", signed, func([]byte) []byte { return []byte("MZ but nothing more") }, "", "", "not a PE file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, reasons, err := collectBytes(t, tc.damage(bytes.Clone(tc.base)))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(tc.status), status); diff != "" {
				t.Errorf("status (-want +got):\n%s", diff)
			}
			if !regexp.MustCompile(tc.reason).MatchString(strings.Join(reasons, "\n")) {
				t.Errorf("unknowns %q do not match %q", reasons, tc.reason)
			}
		})
	}
}

// patchAndRedigest flips a code byte and writes the file's new
// Authenticode digest, as osslsigncode calculates it, over the signed
// one: the digest matches, the signature over it cannot.
func patchAndRedigest(t *testing.T, fx *fixtures, b []byte) []byte {
	t.Helper()
	name := fx.dir + "/redigest.exe"
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
	flipCodeByte(t, name)
	out := runAllowFail(t, "osslsigncode", "verify", "-in", name)
	cur, calc := reCurrent.FindStringSubmatch(out), reCalculated.FindStringSubmatch(out)
	if cur == nil || calc == nil || cur[1] == calc[1] {
		t.Fatalf("osslsigncode verify:\n%s", out)
	}
	patched, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	old, _ := hex.DecodeString(cur[1])
	nu, _ := hex.DecodeString(calc[1])
	if bytes.Count(patched, old) != 1 {
		t.Fatalf("signed digest found %d times", bytes.Count(patched, old))
	}
	return bytes.Replace(patched, old, nu, 1)
}

func utf16le(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, u)
	}
	return b
}
