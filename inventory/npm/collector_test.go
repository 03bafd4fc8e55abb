package npm

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/internal/testtool"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/collecttest"
)

func collect(t *testing.T, root string, lim inventory.Limits) collecttest.Result {
	t.Helper()
	tgt := &inventory.Target{Name: "/mnt/disk", FS: os.DirFS(root), Host: "pc1"}
	return collecttest.Run(t, tgt, Collector{}, lim)
}

func TestPackageDir(t *testing.T) {
	for _, tc := range []struct {
		path string
		want []string
	}{
		{"srv/app/node_modules/left-pad/package.json", []string{"srv/app", "left-pad"}},
		{"srv/app/node_modules/@douyinfe/semi-ui/package.json", []string{"srv/app", "@douyinfe/semi-ui"}},
		{"srv/app/node_modules/a/node_modules/@x/b/node_modules/c/package.json", []string{"srv/app", "a", "@x/b", "c"}},
		{"usr/lib/node_modules/npm/package.json", []string{"usr/lib", "npm"}},
		{"node_modules/x/package.json", []string{"", "x"}},
		{"srv/app/node_modules/.pnpm/@larksuiteoapi+node-sdk@1.40.0/node_modules/@larksuiteoapi/node-sdk/package.json", []string{"srv/app", "@larksuiteoapi/node-sdk"}},
		{"srv/app/node_modules/x/lib/package.json", nil},
		{"srv/app/node_modules/x/test/fixtures/node_modules/y/package.json", []string{"srv/app", "x/test/fixtures", "y"}},
		{"srv/app/package.json", nil},
		{"srv/app/node_modules/.bin/package.json", nil},
		{"srv/app/node_modules/@scope/package.json", nil},
	} {
		got, ok := packageDir(tc.path)
		if ok != (tc.want != nil) || !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q %v, want %q", tc.path, got, ok, tc.want)
		}
	}
}

func TestNested(t *testing.T) {
	res := collect(t, collecttest.Volume(t, map[string][]byte{
		"srv/app/package.json":                     []byte(`{"name": "app", "version": "1.0.0"}`),
		"srv/app/node_modules/gin-ui/package.json": []byte(`{"name": "gin-ui", "version": "2.0.0", "author": "Ann <ann@example.org> (https://example.org)"}`),
		"srv/app/node_modules/gin-ui/node_modules/@douyinfe/semi-ui/package.json": []byte(`{"name": "@douyinfe/semi-ui", "version": "2.61.0",
			"author": {"name": "DouyinFE", "email": "semi@example.org"}, "maintainers": [{"name": "a", "email": "a@example.org"}, "b <b@example.org>"]}`),
	}), inventory.DefaultLimits)
	want := []inventory.Item{
		{Type: inventory.Library, Ecosystem: "npm", Name: "gin-ui", Version: "2.0.0",
			Location: inventory.Location{Source: "/mnt/disk/srv/app/node_modules/gin-ui/package.json", Host: "pc1", Reader: "npm"},
			Attrs: []inventory.Attr{{Field: "purl", Value: "pkg:npm/gin-ui@2.0.0"}, {Field: "author", Value: "Ann <ann@example.org>"},
				{Field: "path", Value: "/mnt/disk/srv/app/node_modules/gin-ui"}},
			DependencyPath: []string{"/mnt/disk/srv/app"}},
		{Type: inventory.Library, Ecosystem: "npm", Name: "@douyinfe/semi-ui", Version: "2.61.0",
			Location: inventory.Location{Source: "/mnt/disk/srv/app/node_modules/gin-ui/node_modules/@douyinfe/semi-ui/package.json", Host: "pc1", Reader: "npm"},
			Attrs: []inventory.Attr{{Field: "purl", Value: "pkg:npm/%40douyinfe/semi-ui@2.61.0"}, {Field: "author", Value: "DouyinFE <semi@example.org>"},
				{Field: "maintainer", Value: "a <a@example.org>"}, {Field: "maintainer", Value: "b <b@example.org>"},
				{Field: "path", Value: "/mnt/disk/srv/app/node_modules/gin-ui/node_modules/@douyinfe/semi-ui"}},
			DependencyPath: []string{"/mnt/disk/srv/app", "gin-ui"}},
	}
	for i := range want {
		want[i].SetID()
	}
	slices.SortFunc(res.Items, func(a, b inventory.Item) int { return len(a.Location.Source) - len(b.Location.Source) })
	if diff := cmp.Diff(want, res.Items); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestHostile(t *testing.T) {
	p := "app/node_modules/x/package.json"
	for _, tc := range []struct{ name, data, err, unknown string }{
		{"syntax", `{"name": "x",}`, "/mnt/disk/" + p + ":1:", ""},
		{"no name", `{"version": "1"}`, "", "package.json has no name"},
		{"name not a string", `{"name": 7, "version": "1"}`, "", "package.json has no name"},
		{"author of another type", `{"name": "x", "author": 5, "maintainers": [null, 3]}`, "", ""},
		{"not an object", `[1,2]`, "JSON array where", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := collect(t, collecttest.Volume(t, map[string][]byte{p: []byte(tc.data)}), inventory.DefaultLimits)
			got := res.Errs[p]
			if tc.err != "" && !strings.Contains(got, tc.err) || tc.err == "" && got != "" {
				t.Errorf("error %q, want %q", got, tc.err)
			}
			if tc.unknown != "" && (len(res.Unknowns) != 1 || res.Unknowns[0].Reason != tc.unknown) {
				t.Errorf("unknowns %+v", res.Unknowns)
			}
			if tc.err == "" && tc.unknown == "" && len(res.Items) != 1 {
				t.Errorf("items %+v", res.Items)
			}
		})
	}
}

// TestNPMInstalled installs packages with the real npm, offline, from
// tarballs that npm pack made, and reads the node_modules folder back.
func TestNPMInstalled(t *testing.T) {
	npm := testtool.Command(t, "npm", "npm")
	dir := t.TempDir()
	var tarballs []string
	for _, pkg := range []struct{ dir, json string }{
		{"sdk", `{"name": "@larksuiteoapi/node-sdk", "version": "1.40.0", "author": "Lark Technologies Pte. Ltd."}`},
		{"common", `{"name": "tencentcloud-sdk-nodejs-common", "version": "4.0.3"}`},
	} {
		src := filepath.Join(dir, pkg.dir)
		os.MkdirAll(src, 0o755)
		os.WriteFile(filepath.Join(src, "package.json"), []byte(pkg.json), 0o644)
		os.WriteFile(filepath.Join(src, "index.js"), []byte("module.exports = 1\n"), 0o644)
		out := run(t, src, npm, "pack", "--silent", "--pack-destination", dir)
		tarballs = append(tarballs, filepath.Join(dir, strings.TrimSpace(out)))
	}
	app := filepath.Join(dir, "app")
	os.MkdirAll(app, 0o755)
	os.WriteFile(filepath.Join(app, "package.json"), []byte(`{"name": "app", "version": "1.0.0", "private": true}`), 0o644)
	run(t, app, npm, append([]string{"install", "--offline", "--no-audit", "--no-fund", "--silent"}, tarballs...)...)
	res := collect(t, dir, inventory.DefaultLimits)
	var got []string
	for _, it := range res.Items {
		got = append(got, it.Get(inventory.PURL)+" via "+strings.Join(it.DependencyPath, ","))
	}
	slices.Sort(got)
	want := []string{"pkg:npm/%40larksuiteoapi/node-sdk@1.40.0 via /mnt/disk/app", "pkg:npm/tencentcloud-sdk-nodejs-common@4.0.3 via /mnt/disk/app"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s\nunknowns %v errors %v", diff, res.Unknowns, res.Errs)
	}
}

func run(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "npm_config_cache="+filepath.Join(t.TempDir(), "cache"), "npm_config_update_notifier=false")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

func FuzzParseManifest(f *testing.F) {
	f.Add([]byte(`{"name": "@a/b", "version": "1", "author": {"name": "x", "email": "y"}, "maintainers": ["z <z@q>"]}`))
	f.Add([]byte(`{"name": "a", "author": "A (http://x)"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseManifest("f", data)
		if err != nil {
			return
		}
		it := m.Item(inventory.Location{Source: "f/package.json"})
		if m.Name != "" && !strings.HasPrefix(it.Get(inventory.PURL), "pkg:npm/") {
			t.Fatalf("purl %q", it.Get(inventory.PURL))
		}
	})
}
