package python

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/collecttest"
)

func collect(t *testing.T, root string, lim inventory.Limits) collecttest.Result {
	t.Helper()
	tgt := &inventory.Target{Name: "/mnt/disk", FS: os.DirFS(root), Host: "pc1"}
	return collecttest.Run(t, tgt, Collector{}, lim)
}

func testdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// egg is a zipped egg holding EGG-INFO/PKG-INFO.
func egg(t *testing.T, pkgInfo []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create("EGG-INFO/PKG-INFO")
	w.Write(pkgInfo)
	w2, _ := zw.Create("mod.py")
	w2.Write([]byte("x = 1\n"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestLayouts(t *testing.T) {
	md := testdata(t, "METADATA")
	want := func(src, dist string) inventory.Item {
		return inventory.Item{
			Type: inventory.Library, Ecosystem: "pypi", Name: "tencentcloud-sdk-python-common", Version: "3.0.1300",
			Location: inventory.Location{Source: "/mnt/disk/" + src, Host: "pc1", Reader: "python"},
			Attrs: []inventory.Attr{
				{Field: inventory.PURL, Value: "pkg:pypi/tencentcloud-sdk-python-common@3.0.1300"},
				{Field: inventory.Author, Value: "Tencent Cloud <tencentcloudapi@tencent.com>"},
				{Field: inventory.Maintainer, Value: "Someone Else <someone@example.org>"},
				{Field: inventory.Path, Value: "/mnt/disk/" + dist},
			},
		}
	}
	for _, tc := range []struct{ name, file, dist string }{
		{"venv dist-info", "srv/app/.venv/lib/python3.11/site-packages/tencentcloud_sdk_python_common-3.0.1300.dist-info/METADATA",
			"srv/app/.venv/lib/python3.11/site-packages/tencentcloud_sdk_python_common-3.0.1300.dist-info"},
		{"Debian dist-packages egg-info", "usr/lib/python3/dist-packages/tencentcloud_sdk_python_common-3.0.1300.egg-info/PKG-INFO",
			"usr/lib/python3/dist-packages/tencentcloud_sdk_python_common-3.0.1300.egg-info"},
		{"egg-info file", "usr/lib/python2.7/site-packages/tencentcloud_sdk_python_common-3.0.1300-py2.7.egg-info",
			"usr/lib/python2.7/site-packages/tencentcloud_sdk_python_common-3.0.1300-py2.7.egg-info"},
		{"unzipped egg", "opt/py/lib/site-packages/tc-3.0.1300-py3.11.egg/EGG-INFO/PKG-INFO", "opt/py/lib/site-packages/tc-3.0.1300-py3.11.egg"},
		{"Windows conda env", "Users/ann/miniconda3/envs/x/Lib/site-packages/tencentcloud_sdk_python_common-3.0.1300.dist-info/METADATA",
			"Users/ann/miniconda3/envs/x/Lib/site-packages/tencentcloud_sdk_python_common-3.0.1300.dist-info"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := collect(t, collecttest.Volume(t, map[string][]byte{
				tc.file: md,
				// Near misses: not metadata of an installed distribution.
				"srv/app/src/METADATA":              md,
				"srv/app/docs/PKG-INFO.txt":         md,
				"srv/app/x.dist-info.bak/METADATA2": md,
			}), inventory.DefaultLimits)
			want := want(tc.file, tc.dist)
			want.SetID()
			if diff := cmp.Diff([]inventory.Item{want}, res.Items); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if len(res.Unknowns)+len(res.Errs) > 0 {
				t.Errorf("unknowns %v errs %v", res.Unknowns, res.Errs)
			}
		})
	}
}

func TestZippedEgg(t *testing.T) {
	p := "usr/lib/python3/site-packages/tencentcloud_sdk_python_common-3.0.1300-py3.11.egg"
	res := collect(t, collecttest.Volume(t, map[string][]byte{p: egg(t, testdata(t, "METADATA"))}), inventory.DefaultLimits)
	if len(res.Items) != 1 || res.Items[0].Name != "tencentcloud-sdk-python-common" || res.Items[0].Location.Source != "/mnt/disk/"+p+"!/EGG-INFO/PKG-INFO" {
		t.Fatalf("items %+v errs %v", res.Items, res.Errs)
	}
}

// TestHostile: bad metadata is an error naming the file and line, or an
// unknown; never a panic, never an item made up.
func TestHostile(t *testing.T) {
	dir := "lib/python3/site-packages/x-1.dist-info/METADATA"
	for _, tc := range []struct {
		name, data, err, unknown string
	}{
		{"no name", "Metadata-Version: 2.1\nVersion: 1\n", "", "no Name in the metadata"},
		{"not a field", "Metadata-Version: 2.1\nName x\n", "/mnt/disk/" + dir + ":2: \"Name x\" is not a \"Field: value\" line", ""},
		{"continuation first", " Name: x\n", ":1: continuation line before any field", ""},
		{"not UTF-8", "Name: \xff\xfe\n", ":1: metadata is not UTF-8", ""},
		{"huge header", "Name: x\nSummary: " + strings.Repeat("a", maxHeader) + "\n", "metadata header longer than", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := collect(t, collecttest.Volume(t, map[string][]byte{dir: []byte(tc.data)}), inventory.DefaultLimits)
			if len(res.Items) > 0 {
				t.Errorf("items %+v", res.Items)
			}
			got := res.Errs[dir]
			if tc.err != "" && !strings.Contains(got, tc.err) || tc.err == "" && got != "" {
				t.Errorf("error %q, want %q", got, tc.err)
			}
			if tc.unknown != "" && (len(res.Unknowns) != 1 || res.Unknowns[0].Reason != tc.unknown) {
				t.Errorf("unknowns %+v, want %q", res.Unknowns, tc.unknown)
			}
		})
	}
	t.Run("file over the size limit", func(t *testing.T) {
		lim := inventory.DefaultLimits
		lim.MaxBytes = 64
		res := collect(t, collecttest.Volume(t, map[string][]byte{dir: append([]byte("Name: x\n"), bytes.Repeat([]byte("\n"), 100)...)}), lim)
		if !strings.Contains(res.Errs[dir], "exceeds the size limit") {
			t.Errorf("errs %v", res.Errs)
		}
	})
	t.Run("egg that is not a zip", func(t *testing.T) {
		p := "lib/site-packages/x-1.egg"
		res := collect(t, collecttest.Volume(t, map[string][]byte{p: []byte("not a zip")}), inventory.DefaultLimits)
		if !strings.Contains(res.Errs[p], "not a zipped egg") {
			t.Errorf("errs %v", res.Errs)
		}
	})
}

func FuzzParseMetadata(f *testing.F) {
	f.Add(testdata(f, "METADATA"))
	f.Add([]byte("Name: x\n continued\nAuthor-email: A <a@b.c>, d@e.f\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		md, err := ParseMetadata("f", data)
		if err != nil {
			return
		}
		it := md.Item(inventory.Location{Source: "f"}, "d")
		if md.Name != "" && !strings.HasPrefix(it.Get(inventory.PURL), "pkg:pypi/") {
			t.Fatalf("purl %q", it.Get(inventory.PURL))
		}
	})
}
