package spdx

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
)

// depsDoc: the document describes an application, which depends on a
// framework (DEPENDS_ON) that is said to depend on a JSON library the
// other way round (DEPENDENCY_OF); a file is contained in the framework.
const depsDoc = `{
  "spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT", "name": "gateway",
  "documentNamespace": "https://example.org/gateway", "creationInfo": {"created": "2025-01-01T00:00:00Z", "creators": ["Tool: test"]},
  "packages": [
    {"SPDXID": "SPDXRef-app", "name": "gateway", "versionInfo": "1.0.0", "downloadLocation": "NOASSERTION"},
    {"SPDXID": "SPDXRef-hertz", "name": "github.com/cloudwego/hertz", "versionInfo": "v0.9.0", "downloadLocation": "NOASSERTION",
     "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:golang/github.com/cloudwego/hertz@v0.9.0"}]},
    {"SPDXID": "SPDXRef-sonic", "name": "github.com/bytedance/sonic", "versionInfo": "v1.11.6", "downloadLocation": "NOASSERTION"},
    {"SPDXID": "SPDXRef-orphan", "name": "orphan", "versionInfo": "1", "downloadLocation": "NOASSERTION"}
  ],
  "files": [{"SPDXID": "SPDXRef-f1", "fileName": "./hertz/server.go", "checksums": [{"algorithm": "SHA1", "checksumValue": "da39a3ee5e6b4b0d3255bfef95601890afd80709"}]}],
  "relationships": [
    {"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES", "relatedSpdxElement": "SPDXRef-app"},
    {"spdxElementId": "SPDXRef-app", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-hertz"},
    {"spdxElementId": "SPDXRef-sonic", "relationshipType": "DEPENDENCY_OF", "relatedSpdxElement": "SPDXRef-hertz"},
    {"spdxElementId": "SPDXRef-hertz", "relationshipType": "CONTAINS", "relatedSpdxElement": "SPDXRef-f1"},
    {"spdxElementId": "SPDXRef-sonic", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-app"}
  ]
}`

func TestDependencyPaths(t *testing.T) {
	inv, err := Reader{}.Read(context.Background(), "d.spdx.json", bytes.NewReader([]byte(depsDoc)), inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, it := range inv.Items {
		got[it.Name] = strings.Join(it.DependencyPath, " > ")
	}
	want := map[string]string{
		"gateway":                    "",
		"github.com/cloudwego/hertz": "gateway@1.0.0",
		"github.com/bytedance/sonic": "gateway@1.0.0 > github.com/cloudwego/hertz@v0.9.0",
		"orphan":                     "",
		"./hertz/server.go":          "",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
