package feed

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/theupdateframework/go-tuf/v2/metadata"
)

// t0 is the tests' clock: metadata expiry is judged at it.
var t0 = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// testRepo is a repository signed by two of two keys for every role (the
// README's example threshold), carrying the real catalogue and packs.
type testRepo struct {
	dir   string
	roles Roles
	keys  Signers
}

func keys(t *testing.T, n int) []*Key {
	t.Helper()
	var ks []*Key
	for i := range n {
		k, err := GenerateKey(filepath.Join(t.TempDir(), "k"+string(rune('a'+i))+".key"))
		if err != nil {
			t.Fatal(err)
		}
		ks = append(ks, k)
	}
	return ks
}

func newRepo(t *testing.T) *testRepo {
	t.Helper()
	r := &testRepo{dir: t.TempDir()}
	role := func() Role { return Role{Keys: keys(t, 2), Threshold: 2} }
	r.roles = Roles{Root: role(), Targets: role(), Snapshot: role(), Timestamp: role()}
	r.keys = Signers{Targets: r.roles.Targets.Keys, Snapshot: r.roles.Snapshot.Keys, Timestamp: r.roles.Timestamp.Keys}
	if err := Init(r.dir, r.roles, DefaultLifetimes, t0); err != nil {
		t.Fatal(err)
	}
	r.publish(t, "2026.12.1", t0)
	return r
}

// publish signs the real catalogue and packs as the next version.
func (r *testRepo) publish(t *testing.T, version string, at time.Time) int64 {
	t.Helper()
	cat, err := PackDir("../catalog/data")
	if err != nil {
		t.Fatal(err)
	}
	packs, err := PackDir("../policy/packs")
	if err != nil {
		t.Fatal(err)
	}
	v, err := Publish(r.dir, []Target{
		{Name: CatalogTarget, Data: cat, Custom: TargetInfo{Kind: "catalogue", Version: version, Built: at}},
		{Name: PacksTarget, Data: packs, Custom: TargetInfo{Kind: "packs", Version: version, Built: at}},
	}, r.keys, DefaultLifetimes, at)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func (r *testRepo) root(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(r.dir, metadataDir, "1.root.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func update(t *testing.T, from string, root []byte, dir string, at time.Time) (Installed, error) {
	t.Helper()
	return Update(context.Background(), Options{From: from, TrustRoot: root, Dir: dir, Now: at})
}

// TestUpdateFromEachSource installs the same feed from a directory, an
// HTTP server on loopback and a bundle; each gives the same digests.
func TestUpdateFromEachSource(t *testing.T) {
	r := newRepo(t)
	srv := httptest.NewServer(http.FileServer(http.Dir(r.dir)))
	defer srv.Close()
	bundle := filepath.Join(t.TempDir(), "feed.bundle")
	if err := Bundle(r.dir, bundle); err != nil {
		t.Fatal(err)
	}
	var digests []string
	for _, from := range []string{r.dir, srv.URL, bundle} {
		dir := t.TempDir()
		in, err := update(t, from, r.root(t), dir, t0.Add(time.Hour))
		if err != nil {
			t.Fatalf("from %s: %v", from, err)
		}
		cat := in.Targets[CatalogTarget]
		if in.Version != 1 || cat.Kind != "catalogue" || cat.Version != "2026.12.1" || len(in.Signers) != 2 {
			t.Errorf("from %s: %+v", from, in)
		}
		st, err := Status(dir)
		if err != nil || st.Version != 1 || st.Path == "" {
			t.Errorf("status after installing from %s: %+v %v", from, st, err)
		}
		if _, err := os.Stat(filepath.Join(dir, st.Path, "catalog", "entities-ru.yaml")); err != nil && !hasYAML(t, filepath.Join(dir, st.Path, "catalog")) {
			t.Errorf("the installed catalogue: %v", err)
		}
		digests = append(digests, cat.SHA256+in.Targets[PacksTarget].SHA256)
	}
	if digests[0] != digests[1] || digests[1] != digests[2] {
		t.Errorf("the sources gave different data: %v", digests)
	}
	if _, err := Status(t.TempDir()); !errors.Is(err, ErrNone) {
		t.Errorf("status of a fresh directory: %v", err)
	}
}

func hasYAML(t *testing.T, dir string) bool {
	m, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	return len(m) > 0
}

// TestAttacksRefused: each attack TUF defends against is refused with a
// message saying so, and the data in use stays as it was.
func TestAttacksRefused(t *testing.T) {
	for _, c := range []struct {
		name string
		// attack changes the repository (a copy) after the client has
		// installed version 1, and may set when the client runs.
		attack func(t *testing.T, r *testRepo) time.Time
		want   string
	}{
		{"tampered target", func(t *testing.T, r *testRepo) time.Time {
			r.publish(t, "2026.12.2", t0)
			// The same length, one byte changed: only the hash tells.
			tamper(t, r.dir, targetsDir, PacksTarget, func(b []byte) []byte { b[len(b)/2] ^= 1; return b })
			return t0.Add(time.Hour)
		}, "hash verification failed"},
		{"rollback to an older version", func(t *testing.T, r *testRepo) time.Time {
			// The client saw version 2 (installed below); the mirror now
			// serves version 1's metadata again.
			return time.Time{}
		}, "new timestamp version 1 must be >= 2"},
		{"frozen timestamp", func(t *testing.T, r *testRepo) time.Time {
			return t0.Add(DefaultLifetimes.Timestamp + time.Hour)
		}, "timestamp.json is expired"},
		{"below the threshold", func(t *testing.T, r *testRepo) time.Time {
			r.publish(t, "2026.12.2", t0)
			dropSignature(t, filepath.Join(r.dir, metadataDir, "2.targets.json"))
			return t0.Add(time.Hour)
		}, "not enough signatures, got 1, want 2"},
		{"mix and match", func(t *testing.T, r *testRepo) time.Time {
			// Version 2's timestamp served with version 1's snapshot
			// (validly signed, by the same keys) under version 2's name.
			r.publish(t, "2026.12.2", t0)
			copyFile(t, filepath.Join(r.dir, metadataDir, "1.snapshot.json"), filepath.Join(r.dir, metadataDir, "2.snapshot.json"))
			return t0.Add(time.Hour)
		}, "expected 2, got 1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newRepo(t)
			dir := t.TempDir()
			if _, err := update(t, r.dir, r.root(t), dir, t0.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			if c.name == "rollback to an older version" {
				old := copyDir(t, r.dir)
				r.publish(t, "2026.12.2", t0)
				if _, err := update(t, r.dir, r.root(t), dir, t0.Add(time.Hour)); err != nil {
					t.Fatal(err)
				}
				r.dir = old
			}
			before, _ := Status(dir)
			at := c.attack(t, r)
			if at.IsZero() {
				at = t0.Add(time.Hour)
			}
			_, err := update(t, r.dir, r.root(t), dir, at)
			// The message, without the paths (which hold the test's name).
			msg := ""
			if err != nil {
				msg = strings.ReplaceAll(strings.ReplaceAll(err.Error(), r.dir, "REPO"), dir, "DIR")
			}
			t.Logf("refused: %s", msg)
			if err == nil || !strings.Contains(msg, c.want) {
				t.Fatalf("update: %v; want a refusal saying %q", err, c.want)
			}
			after, _ := Status(dir)
			if after.Path != before.Path || after.Version != before.Version {
				t.Errorf("the data in use changed: %+v, was %+v", after, before)
			}
		})
	}
}

// TestEndlessData: a server that answers with data that never ends gets
// its answer cut at the bound and refused.
func TestEndlessData(t *testing.T) {
	r := newRepo(t)
	fs := http.FileServer(http.Dir(r.dir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if strings.HasSuffix(req.URL.Path, "timestamp.json") {
			chunk := []byte(strings.Repeat(" ", 64<<10))
			for range 1 << 10 { // 64 MiB unless the client stops
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
			return
		}
		fs.ServeHTTP(w, req)
	}))
	defer srv.Close()
	_, err := update(t, srv.URL, r.root(t), t.TempDir(), t0.Add(time.Hour))
	if err == nil || !strings.Contains(err.Error(), "larger than expected") && !strings.Contains(err.Error(), "more than") {
		t.Fatalf("endless timestamp: %v; want a refusal for its length", err)
	}
}

// TestRootRotation: the maintainers replace the root keys (signed by the
// old root's threshold and the new one's); a client trusting the old root
// follows, and trusts the new root from then on.
func TestRootRotation(t *testing.T) {
	r := newRepo(t)
	dir := t.TempDir()
	if _, err := update(t, r.dir, r.root(t), dir, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	old := r.roles.Root.Keys
	r.roles.Root = Role{Keys: keys(t, 3), Threshold: 2}
	if _, err := RotateRoot(r.dir, r.roles, old, DefaultLifetimes, t0); err != nil {
		t.Fatal(err)
	}
	r.publish(t, "2026.12.2", t0)
	in, err := update(t, r.dir, r.root(t), dir, t0.Add(time.Hour))
	if err != nil || in.Root != 2 || in.Version != 2 {
		t.Fatalf("after the rotation: %+v %v", in, err)
	}
	// A rotation signed by one old key of two is refused by the tool.
	if _, err := RotateRoot(r.dir, r.roles, r.roles.Root.Keys[:1], DefaultLifetimes, t0); err == nil {
		t.Error("a root signed below the old threshold was written")
	}
}

// TestBundleWrongRoot: a bundle verified with another feed's root is
// refused; a tampered bundle too.
func TestBundleWrongRoot(t *testing.T) {
	r, other := newRepo(t), newRepo(t)
	bundle := filepath.Join(t.TempDir(), "feed.bundle")
	if err := Bundle(r.dir, bundle); err != nil {
		t.Fatal(err)
	}
	if _, err := update(t, bundle, other.root(t), t.TempDir(), t0.Add(time.Hour)); err == nil {
		t.Error("a bundle verified with another feed's root was installed")
	}
	data, _ := os.ReadFile(bundle)
	i := strings.Index(string(data), `"_type": "targets"`)
	if i < 0 {
		t.Fatal("no targets metadata in the bundle")
	}
	data[i+2] = 'T'
	os.WriteFile(bundle, data, 0o644)
	if _, err := update(t, bundle, r.root(t), t.TempDir(), t0.Add(time.Hour)); err == nil {
		t.Error("a tampered bundle was installed")
	}
}

// TestUnusableContentRefused: a feed correctly signed whose catalogue does
// not load is refused, the data in use kept.
func TestUnusableContentRefused(t *testing.T) {
	r := newRepo(t)
	dir := t.TempDir()
	if _, err := update(t, r.dir, r.root(t), dir, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "broken.yaml"), []byte("entities:\n  - id: x\n    name: [\n"), 0o644)
	cat, err := PackDir(bad)
	if err != nil {
		t.Fatal(err)
	}
	packs, _ := PackDir("../policy/packs")
	if _, err := Publish(r.dir, []Target{{Name: CatalogTarget, Data: cat}, {Name: PacksTarget, Data: packs}}, r.keys, DefaultLifetimes, t0); err != nil {
		t.Fatal(err)
	}
	_, err = update(t, r.dir, r.root(t), dir, t0.Add(time.Hour))
	if err == nil || !strings.Contains(err.Error(), "unusable") {
		t.Fatalf("update: %v; want the catalogue refused", err)
	}
	if st, _ := Status(dir); st.Version != 1 {
		t.Errorf("the data in use is version %d, want 1 kept", st.Version)
	}
}

func tamper(t *testing.T, dir, sub, name string, change func([]byte) []byte) {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, sub, "*."+name))
	for _, p := range m {
		b, _ := os.ReadFile(p)
		os.WriteFile(p, change(b), 0o644)
	}
	if len(m) == 0 {
		t.Fatalf("no %s in %s", name, sub)
	}
}

func dropSignature(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]json.RawMessage
	json.Unmarshal(b, &doc)
	var sigs []json.RawMessage
	json.Unmarshal(doc["signatures"], &sigs)
	doc["signatures"], _ = json.Marshal(sigs[:1])
	out, _ := json.Marshal(doc)
	os.WriteFile(path, out, 0o644)
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyDir(t *testing.T, dir string) string {
	t.Helper()
	out := t.TempDir()
	for _, sub := range []string{metadataDir, targetsDir} {
		os.MkdirAll(filepath.Join(out, sub), 0o755)
		ents, _ := os.ReadDir(filepath.Join(dir, sub))
		for _, e := range ents {
			copyFile(t, filepath.Join(dir, sub, e.Name()), filepath.Join(out, sub, e.Name()))
		}
	}
	return out
}

// TestIPDataTarget: a feed may carry the IP data snapshot; it is checked
// to decode before it is installed, and InUse names it.
func TestIPDataTarget(t *testing.T) {
	r := newRepo(t)
	snap, err := os.ReadFile("../ipdata/data/embargo-ipdata.snap")
	if err != nil {
		t.Fatal(err)
	}
	cat, _ := PackDir("../catalog/data")
	packs, _ := PackDir("../policy/packs")
	publish := func(ip []byte) {
		t.Helper()
		if _, err := Publish(r.dir, []Target{{Name: CatalogTarget, Data: cat}, {Name: PacksTarget, Data: packs},
			{Name: IPDataTarget, Data: ip, Custom: TargetInfo{Kind: "ipdata", Version: "x"}}}, r.keys, DefaultLifetimes, t0); err != nil {
			t.Fatal(err)
		}
	}
	publish(snap)
	dir := t.TempDir()
	in, err := update(t, r.dir, r.root(t), dir, t0.Add(time.Hour))
	if err != nil || in.Targets[IPDataTarget].Kind != "ipdata" {
		t.Fatalf("with IP data: %+v %v", in, err)
	}
	d, err := InUse(dir)
	if err != nil || d.IPData == "" || d.Feed == nil || d.Feed.Version != 2 {
		t.Fatalf("in use: %+v %v", d, err)
	}
	// Signed, but no IP data: refused, version 2 kept.
	publish([]byte("not a snapshot"))
	if _, err := update(t, r.dir, r.root(t), dir, t0.Add(time.Hour)); err == nil || !strings.Contains(err.Error(), "its IP data") {
		t.Errorf("a signed snapshot that does not decode: %v", err)
	}
	if st, _ := Status(dir); st.Version != 2 {
		t.Errorf("version in use %d, want 2 kept", st.Version)
	}
	// No feed: the binary's data, with its digest.
	b, err := InUse(t.TempDir())
	if err != nil || b.Feed != nil || b.Catalog == nil || b.IPData != "" || !strings.Contains(b.Digest, "+") {
		t.Errorf("built-in data: %+v %v", b, err)
	}
}

// The project's embedded root is a root: signed by two of its two root
// keys, and naming a threshold of two for the targets.
func TestProjectRoot(t *testing.T) {
	md, err := metadata.Root().FromBytes(ProjectRoot())
	if err != nil {
		t.Fatal(err)
	}
	if err := md.VerifyDelegate(metadata.ROOT, md); err != nil {
		t.Errorf("the embedded root does not verify itself: %v", err)
	}
	if th := md.Signed.Roles[metadata.TARGETS].Threshold; th != 2 {
		t.Errorf("targets threshold %d, want 2", th)
	}
}

// A feed of the repository's catalogue and packs gives the digests the
// binary's own data gives: the release's built-in data and its feed are
// one.
func TestFeedOfTheRepositoryIsTheBuiltinData(t *testing.T) {
	r := newRepo(t)
	dir := t.TempDir()
	if _, err := update(t, r.dir, r.root(t), dir, t0); err != nil {
		t.Fatal(err)
	}
	fromFeed, err := InUse(dir)
	if err != nil {
		t.Fatal(err)
	}
	own, err := InUse("")
	if err != nil {
		t.Fatal(err)
	}
	if fromFeed.Digest != own.Digest || fromFeed.Feed == nil || own.Feed != nil {
		t.Errorf("feed data %s, built-in %s: want the same digest", fromFeed.Digest, own.Digest)
	}
}

// A mirror's bundle, made over HTTP and from a directory, verifies with
// the same root and installs the same version as the feed, root
// rotations included.
func TestMirror(t *testing.T) {
	r := newRepo(t)
	root := r.root(t)
	newKeys := Roles{Root: Role{Keys: keys(t, 2), Threshold: 2}, Targets: r.roles.Targets, Snapshot: r.roles.Snapshot, Timestamp: r.roles.Timestamp}
	if _, err := RotateRoot(r.dir, newKeys, r.roles.Root.Keys, DefaultLifetimes, t0); err != nil {
		t.Fatal(err)
	}
	want := r.publish(t, "2026.12.2", t0)
	srv := httptest.NewServer(http.FileServer(http.Dir(r.dir)))
	defer srv.Close()
	for _, from := range []string{srv.URL, r.dir} {
		out := filepath.Join(t.TempDir(), "mirror.tar")
		in, err := Mirror(context.Background(), Options{From: from, TrustRoot: root, Dir: t.TempDir(), Now: t0}, out)
		if err != nil || in.Version != want {
			t.Fatalf("mirror of %s: %+v %v", from, in, err)
		}
		got, err := update(t, out, root, t.TempDir(), t0)
		if err != nil || got.Version != want || got.Root != 2 {
			t.Errorf("the mirror's bundle of %s: %+v %v; want version %d under root 2", from, got, err, want)
		}
	}
}

// A first update tried with the wrong root is refused and pins nothing:
// the same bundle then installs with the right one. Once a feed is
// installed, its root is kept whatever root is given.
func TestFirstUpdateWithWrongRoot(t *testing.T) {
	r := newRepo(t)
	other := newRepo(t)
	dir := t.TempDir()
	bundle := filepath.Join(t.TempDir(), "feed.tar")
	if err := Bundle(r.dir, bundle); err != nil {
		t.Fatal(err)
	}
	if _, err := update(t, bundle, other.root(t), dir, t0); err == nil {
		t.Fatal("a feed verified with another repository's root")
	}
	if in, err := update(t, bundle, r.root(t), dir, t0); err != nil || in.Version == 0 {
		t.Fatalf("with the right root after a refused first try: %+v %v", in, err)
	}
	if _, err := update(t, bundle, other.root(t), dir, t0); err != nil {
		t.Errorf("once installed, the root given is not what is trusted: %v", err)
	}
	otherBundle := filepath.Join(t.TempDir(), "other.tar")
	if err := Bundle(other.dir, otherBundle); err != nil {
		t.Fatal(err)
	}
	if _, err := update(t, otherBundle, other.root(t), dir, t0); err == nil {
		t.Error("once installed, another repository's feed was taken with its own root given")
	}
}
