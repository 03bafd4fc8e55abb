package scan

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/report"
)

// TestRealSBOMs scans SBOMs that real generators made from real projects
// (scripts/fixtures/real-sboms.sh): each supplier's library is attributed
// as the supplier's embedded code, with the path from the project that
// pulled it in; nothing else in them is attributed.
func TestRealSBOMs(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	a := attribute.New(cat)
	type hit struct {
		Supplier, Tier, Via string
	}
	for _, tc := range []struct {
		file string
		// want: attributed components by name, each with the supplier's
		// group member, tier and the start of its dependency path.
		want map[string]hit
		// among: components that must be attributed (others may be too,
		// if listed in want).
	}{
		{"testdata/real/gin.cdx.json", map[string]hit{
			"github.com/bytedance/sonic":        {"bytedance-ltd", "embedded", "github.com/gin-gonic/gin@v1.12.0"},
			"github.com/bytedance/sonic/loader": {"bytedance-ltd", "embedded", "github.com/gin-gonic/gin@v1.12.0 > github.com/bytedance/sonic@"},
			"github.com/bytedance/gopkg":        {"bytedance-ltd", "embedded", "github.com/gin-gonic/gin@v1.12.0 > "},
			"github.com/cloudwego/base64x":      {"bytedance-ltd", "embedded", "github.com/gin-gonic/gin@v1.12.0 > "},
		}},
		{"testdata/real/gateway.cdx.json", map[string]hit{
			"github.com/cloudwego/hertz":        {"bytedance-ltd", "embedded", "example.org/gateway@v1.0.0"},
			"github.com/cloudwego/netpoll":      {"bytedance-ltd", "embedded", "example.org/gateway@v1.0.0 > "},
			"github.com/cloudwego/gopkg":        {"bytedance-ltd", "embedded", "example.org/gateway@v1.0.0 > "},
			"github.com/cloudwego/base64x":      {"bytedance-ltd", "embedded", "example.org/gateway@v1.0.0 > "},
			"github.com/bytedance/sonic":        {"bytedance-ltd", "embedded", "example.org/gateway@v1.0.0 > "},
			"github.com/bytedance/sonic/loader": {"bytedance-ltd", "embedded", "example.org/gateway@v1.0.0 > "},
			"github.com/bytedance/gopkg":        {"bytedance-ltd", "embedded", "example.org/gateway@v1.0.0 > "},
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			rep, err := Run(context.Background(), a, []string{tc.file}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]hit{}
			for _, e := range rep.Items {
				if e.Attribution == nil {
					continue
				}
				via := strings.Join(e.DependencyPath, " > ")
				h := hit{Supplier: e.Attribution.Entity.ID, Tier: string(e.Attribution.Tier), Via: via}
				if w, ok := tc.want[e.Name]; ok && strings.HasPrefix(via, w.Via) {
					h.Via = w.Via // the path's start is what is checked
				}
				got[e.Name] = h
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("attributed components (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRealNPMLockfile: an npm lockfile's SBOM (cyclonedx-npm) of a web
// portal using ByteDance's Semi Design and Lark's SDK.
func TestRealNPMLockfile(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), attribute.New(cat), []string{"testdata/real/portal.cdx.json"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]report.Entry{}
	suppliers := map[string]int{}
	for _, e := range rep.Items {
		byName[e.Name] = e
		if e.Attribution != nil {
			suppliers[e.Attribution.Entity.ID]++
			if e.Attribution.Tier != catalog.TierEmbedded {
				t.Errorf("%s: tier %s, want embedded", e.Name, e.Attribution.Tier)
			}
		}
	}
	for name, want := range map[string]struct{ supplier, via string }{
		"@douyinfe/semi-ui":         {"bytedance-ltd", "portal@1.0.0"},
		"@douyinfe/semi-foundation": {"bytedance-ltd", "portal@1.0.0 > @douyinfe/semi-ui@2.90.1"},
		"@larksuiteoapi/node-sdk":   {"lark-technologies", "portal@1.0.0"},
	} {
		e, ok := byName[name]
		switch {
		case !ok:
			t.Errorf("%s not in the SBOM", name)
		case e.Attribution == nil:
			t.Errorf("%s not attributed", name)
		case e.Attribution.Entity.ID != want.supplier || !strings.HasPrefix(strings.Join(e.DependencyPath, " > "), want.via):
			t.Errorf("%s: %s via %q, want %s via %q", name, e.Attribution.Entity.ID, strings.Join(e.DependencyPath, " > "), want.supplier, want.via)
		}
	}
	// react, lodash and the rest of the tree are nobody's here.
	for _, name := range []string{"react", "react-dom", "lodash", "axios"} {
		if e, ok := byName[name]; ok && e.Attribution != nil {
			t.Errorf("%s attributed to %s", name, e.Attribution.Entity.ID)
		}
	}
	t.Logf("attributed by supplier: %v", suppliers)
}
