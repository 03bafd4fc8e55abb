package dotnet

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/collecttest"
)

// A deps.json as the .NET SDK writes it (trimmed): the application, a
// package it references, and that package's dependency.
const depsJSON = `{
  "runtimeTarget": {"name": ".NETCoreApp,Version=v8.0", "signature": ""},
  "compilationOptions": {},
  "targets": {
    ".NETCoreApp,Version=v8.0": {
      "Shop/1.0.0": {"dependencies": {"TencentCloudSDK.Cvm": "3.0.1045"}, "runtime": {"Shop.dll": {}}},
      "TencentCloudSDK.Cvm/3.0.1045": {"dependencies": {"TencentCloudSDK.Common": "3.0.1045", "Newtonsoft.Json": "13.0.3"}},
      "TencentCloudSDK.Common/3.0.1045": {"dependencies": {"Newtonsoft.Json": "13.0.3"}},
      "Newtonsoft.Json/13.0.3": {}
    }
  },
  "libraries": {
    "Shop/1.0.0": {"type": "project", "serviceable": false, "sha512": ""},
    "TencentCloudSDK.Cvm/3.0.1045": {"type": "package", "serviceable": true, "sha512": "sha512-x", "path": "tencentcloudsdk.cvm/3.0.1045"},
    "TencentCloudSDK.Common/3.0.1045": {"type": "package", "serviceable": true, "sha512": "sha512-y"},
    "Newtonsoft.Json/13.0.3": {"type": "package", "serviceable": true, "sha512": "sha512-z"},
    "System.Private/8.0.0": {"type": "reference"}
  }
}`

func TestDeps(t *testing.T) {
	root := collecttest.Volume(t, map[string][]byte{"opt/shop/Shop.deps.json": []byte(depsJSON)})
	res := collecttest.Root(t, root, Collector{})
	var got []string
	for _, it := range res.Items {
		got = append(got, it.Get(inventory.PURL)+" via "+strings.Join(it.DependencyPath, " > "))
	}
	slices.Sort(got)
	want := []string{
		"pkg:nuget/Newtonsoft.Json@13.0.3 via Shop > TencentCloudSDK.Cvm",
		"pkg:nuget/TencentCloudSDK.Common@3.0.1045 via Shop > TencentCloudSDK.Cvm",
		"pkg:nuget/TencentCloudSDK.Cvm@3.0.1045 via Shop",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestHostile(t *testing.T) {
	for _, tc := range []struct{ name, data, err, unknown string }{
		{"syntax", `{"libraries": {`, "/x.deps.json:1:", ""},
		{"libraries not an object", `{"libraries": []}`, "JSON array where", ""},
		{"another tool's deps.json (WordPress script handles)", `["lodash", "wp-blocks"]`, "", ""},
		{"an object of something else", `{"name": "x", "dependencies": {}}`, "", ""},
		{"empty id", `{"libraries": {"/1.0": {"type": "package"}}}`, "", "library key without a package id"},
		{"cycle", `{"targets": {"t": {"A/1": {"dependencies": {"B": "1"}}, "B/1": {"dependencies": {"A": "1"}}}}, "libraries": {"A/1": {"type": "project"}, "B/1": {"type": "package"}}}`, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := collecttest.Volume(t, map[string][]byte{"x.deps.json": []byte(tc.data)})
			res := collecttest.Root(t, root, Collector{})
			if got := res.Errs["x.deps.json"]; tc.err != "" && !strings.Contains(got, tc.err) || tc.err == "" && got != "" {
				t.Errorf("error %q, want %q", got, tc.err)
			}
			if tc.unknown != "" && (len(res.Unknowns) != 1 || res.Unknowns[0].Reason != tc.unknown) {
				t.Errorf("unknowns %+v", res.Unknowns)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(depsJSON))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse("f", data)
		if err != nil {
			return
		}
		items, _, _ := d.Items(inventory.Location{Source: "f"}, inventory.DefaultLimits)
		for _, it := range items {
			if !strings.HasPrefix(it.Get(inventory.PURL), "pkg:nuget/") {
				t.Fatalf("item %+v", it)
			}
		}
	})
}
