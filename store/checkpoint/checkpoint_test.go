package checkpoint

import (
	"bytes"
	"crypto/rand"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func keys(t testing.TB, name string) (s, v string) {
	t.Helper()
	s, v, err := GenerateKey(rand.Reader, name)
	if err != nil {
		t.Fatal(err)
	}
	return s, v
}

// A checkpoint opens only under its own key, whole and unchanged.
func TestSignOpen(t *testing.T) {
	skey, vkey := keys(t, "embargo-audit")
	_, otherV := keys(t, "embargo-audit")
	signer, err := NewSigner([]byte(skey + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	verifier, _ := NewVerifier([]byte(vkey))
	other, _ := NewVerifier([]byte(otherV))
	c := Checkpoint{Origin: "embargo-audit", Seq: 42, Hash: bytes.Repeat([]byte{7}, 32)}
	signed, err := Sign(c, signer)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Open(signed, verifier)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(c, got); diff != "" {
		t.Errorf("(-signed +opened):\n%s", diff)
	}
	if _, err := Open(signed, other); err == nil {
		t.Error("opened under another key")
	}
	forged := bytes.Replace(signed, []byte("\n42\n"), []byte("\n43\n"), 1)
	if _, err := Open(forged, verifier); err == nil {
		t.Error("a changed seq opened")
	}
	if _, err := Sign(Checkpoint{Origin: "another-log"}, signer); err == nil {
		t.Error("signed a checkpoint of another origin")
	}
}

// A checkpoint file reads back line by line; a line that is not one is
// an error naming it.
func TestReadFile(t *testing.T) {
	skey, _ := keys(t, "embargo-audit")
	signer, _ := NewSigner([]byte(skey))
	path := t.TempDir() + "/cps.jsonl"
	var want [][]byte
	for i := range 3 {
		signed, err := Sign(Checkpoint{Origin: "embargo-audit", Seq: int64(i), Hash: []byte{byte(i)}}, signer)
		if err != nil {
			t.Fatal(err)
		}
		if err := Append(path, signed); err != nil {
			t.Fatal(err)
		}
		want = append(want, signed)
	}
	got, err := Read(strings.NewReader(mustRead(t, path)), path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-appended +read):\n%s", diff)
	}
	if _, err := Read(strings.NewReader(mustRead(t, path)+"not json\n"), "cps.jsonl"); err == nil || !strings.Contains(err.Error(), "cps.jsonl:4") {
		t.Errorf("a bad line: %v", err)
	}
}

// FuzzOpen: any bytes as a checkpoint or a checkpoint file are refused
// or read, never a panic.
func FuzzOpen(f *testing.F) {
	skey, vkey := keys(f, "embargo-audit")
	signer, _ := NewSigner([]byte(skey))
	verifier, _ := NewVerifier([]byte(vkey))
	signed, _ := Sign(Checkpoint{Origin: "embargo-audit", Seq: 9, Hash: []byte{1, 2}}, signer)
	f.Add(signed)
	f.Add([]byte("embargo-audit\n9\nAQI=\n\n— embargo-audit AAAA\n"))
	f.Add([]byte(`{"checkpoint":"x"}` + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if c, err := Open(data, verifier); err == nil && c.Origin != "embargo-audit" {
			t.Fatalf("opened a checkpoint of %q", c.Origin)
		}
		Read(bytes.NewReader(data), "fuzz")
	})
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
