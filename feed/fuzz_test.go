package feed

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzUnpack: a target's tar, whatever it holds, is unpacked or refused,
// and nothing is written outside the directory.
func FuzzUnpack(f *testing.F) {
	good, err := PackDir("../policy/packs")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte{})
	f.Add(good[:600])
	f.Fuzz(func(t *testing.T, data []byte) {
		parent := t.TempDir()
		dir := filepath.Join(parent, "out")
		if err := Unpack(data, dir); err != nil {
			return
		}
		ents, _ := os.ReadDir(parent)
		if len(ents) != 1 {
			t.Fatalf("unpacking wrote beside its directory: %v", ents)
		}
	})
}

// FuzzBundle: a bundle file, whatever it holds, is indexed or refused;
// every name it serves is a repository file.
func FuzzBundle(f *testing.F) {
	r := t0Repo(f)
	bundle := filepath.Join(f.TempDir(), "b")
	if err := Bundle(r, bundle); err != nil {
		f.Fatal(err)
	}
	good, _ := os.ReadFile(bundle)
	f.Add(good)
	f.Add(good[:1024])
	f.Add([]byte("not a tar"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "b")
		os.WriteFile(p, data, 0o600)
		b, err := openBundle(p)
		if err != nil {
			return
		}
		defer b.Close()
		for name := range b.files {
			if _, err := localName(localURL + name); err != nil {
				t.Fatalf("indexed %q: %v", name, err)
			}
			if _, err := b.DownloadFile(localURL+name, 1<<20, 0); err != nil && b.files[name].size <= 1<<20 {
				t.Fatalf("reading %q: %v", name, err)
			}
		}
	})
}

// t0Repo is a small signed repository for the fuzz seeds.
func t0Repo(f *testing.F) string {
	dir := f.TempDir()
	var ks []*Key
	for i := range 4 {
		k, err := GenerateKey(filepath.Join(f.TempDir(), string(rune('a'+i))))
		if err != nil {
			f.Fatal(err)
		}
		ks = append(ks, k)
	}
	roles := Roles{Root: Role{ks[:1], 1}, Targets: Role{ks[1:2], 1}, Snapshot: Role{ks[2:3], 1}, Timestamp: Role{ks[3:4], 1}}
	if err := Init(dir, roles, DefaultLifetimes, t0); err != nil {
		f.Fatal(err)
	}
	packs, _ := PackDir("../policy/packs")
	if _, err := Publish(dir, []Target{{Name: PacksTarget, Data: packs}}, Signers{ks[1:2], ks[2:3], ks[3:4]}, DefaultLifetimes, t0); err != nil {
		f.Fatal(err)
	}
	return dir
}
