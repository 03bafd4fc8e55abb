package cyclonedx

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
)

// depsBOM: a service pulls in a web framework, which pulls in a JSON
// library by two routes; a bundle nests a component; a component is
// reached by no dependency at all.
const depsBOM = `{
  "bomFormat": "CycloneDX", "specVersion": "1.6",
  "metadata": {"component": {"type": "application", "bom-ref": "app", "name": "gateway", "version": "1.0.0"}},
  "components": [
    {"type": "library", "bom-ref": "gin", "name": "github.com/gin-gonic/gin", "version": "v1.10.0", "purl": "pkg:golang/github.com/gin-gonic/gin@v1.10.0"},
    {"type": "library", "bom-ref": "render", "name": "github.com/gin-gonic/render", "version": "v1"},
    {"type": "library", "bom-ref": "sonic", "name": "github.com/bytedance/sonic", "version": "v1.11.6", "purl": "pkg:golang/github.com/bytedance/sonic@v1.11.6",
     "authors": [{"name": "ByteDance", "email": "oss@example.org"}],
     "supplier": {"name": "ByteDance", "contact": [{"email": "sonic@example.org"}]}},
    {"type": "library", "bom-ref": "bundle", "name": "bundle", "version": "2", "components": [
      {"type": "library", "bom-ref": "inner", "name": "inner", "version": "3"}]},
    {"type": "machine-learning-model", "bom-ref": "model", "name": "DeepSeek-R1", "purl": "pkg:huggingface/deepseek-ai/DeepSeek-R1@main"}
  ],
  "dependencies": [
    {"ref": "app", "dependsOn": ["gin", "bundle"]},
    {"ref": "gin", "dependsOn": ["render", "sonic"]},
    {"ref": "render", "dependsOn": ["sonic", "app"]},
    {"ref": "sonic", "dependsOn": ["nowhere"]}
  ]
}`

func TestDependencyPaths(t *testing.T) {
	inv, err := read(t, "deps.cdx.json", []byte(depsBOM), inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, it := range inv.Items {
		got[it.Name] = string(it.Type) + " via " + strings.Join(it.DependencyPath, " > ")
	}
	want := map[string]string{
		"gateway":                     "application via ",
		"github.com/gin-gonic/gin":    "library via gateway@1.0.0",
		"github.com/gin-gonic/render": "library via gateway@1.0.0 > github.com/gin-gonic/gin@v1.10.0",
		"github.com/bytedance/sonic":  "library via gateway@1.0.0 > github.com/gin-gonic/gin@v1.10.0",
		"bundle":                      "library via gateway@1.0.0",
		"inner":                       "library via bundle@2",
		"DeepSeek-R1":                 "model via ",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	var sonic inventory.Item
	for _, it := range inv.Items {
		if it.Name == "github.com/bytedance/sonic" {
			sonic = it
		}
	}
	wantAttrs := []inventory.Attr{
		{Field: "purl", Value: "pkg:golang/github.com/bytedance/sonic@v1.11.6"}, {Field: "supplier", Value: "ByteDance"},
		{Field: "author", Value: "ByteDance <oss@example.org>"}, {Field: "supplier", Value: "<sonic@example.org>"},
	}
	if diff := cmp.Diff(wantAttrs, sonic.Attrs); diff != "" {
		t.Errorf("sonic attributes (-want +got):\n%s", diff)
	}
}
