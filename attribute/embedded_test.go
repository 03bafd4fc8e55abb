package attribute

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
)

// TestEmbeddedCatalogue checks attribution against the shipped
// catalogue: what must be caught, and the false positives that must not.
func TestEmbeddedCatalogue(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	a := New(cat)
	type want struct{ Entity, Country string }
	tests := []struct {
		name string
		item *inventory.Item
		want *want
	}{
		{"KESL deb package", item(inventory.Package, "deb", "kesl"), &want{"kaspersky-ao", "RU"}},
		{"KESL from a purl", item(inventory.Library, "", "kesl", "purl", "pkg:deb/astra/kesl@11.2.0"), &want{"kaspersky-ao", "RU"}},
		{"Kaspersky publisher in Russian", item(inventory.Application, "windows", "Kaspersky", "publisher", "АО «Лаборатория Касперского»"), &want{"kaspersky-ao", "RU"}},
		{"Kaspersky US subsidiary", item(inventory.Application, "windows", "x", "publisher", "Kaspersky Lab, Inc."), &want{"kaspersky-lab-inc", "RU"}},
		{"Kaspersky German company", item(inventory.Application, "windows", "x", "supplier", "Kaspersky Labs GmbH"), &want{"kaspersky-labs-gmbh", "RU"}},
		{"Kaspresso test library", item(inventory.Library, "maven", "kaspresso", "purl", "pkg:maven/com.kaspersky.android-components/kaspresso@1.5.3"), &want{"kaspersky-ao", "RU"}},
		{"WeChat publisher", item(inventory.Application, "windows", "WeChat", "publisher", "腾讯科技(深圳)有限公司"), &want{"tencent-technology-shenzhen", "CN"}},
		{"TikTok US company resolves to China", item(inventory.Application, "", "x", "publisher", "TikTok Inc."), &want{"tiktok-inc", "CN"}},
		{"Hikvision CPE", item(inventory.Device, "", "DS-2CD2026", "cpe", "cpe:2.3:o:hikvision:ds-2cd2026g2-iu_firmware:-:*:*:*:*:*:*:*"), &want{"hikvision", "CN"}},
		{"gazette is not ZTE", item(inventory.Application, "", "gazette", "publisher", "Gazette"), nil},
		{"gazette package is not ZTE", item(inventory.Package, "deb", "gazette"), nil},
		{"a maintainer named Dahua is not Dahua Technology", item(inventory.Package, "deb", "python3-mmcv", "maintainer", "Dahua Lin <dahua@example.org>"), nil},
		{"an author Dahua is not Dahua Technology", item(inventory.Library, "pypi", "mmcv", "author", "Dahua"), nil},
		{"a TikTok scraper library is not ByteDance software", item(inventory.Library, "npm", "tiktok-scraper", "purl", "pkg:npm/tiktok-scraper@1.4.36"), nil},
		{"a TikTok scraper app is not ByteDance software", item(inventory.Application, "", "tiktok-scraper"), nil},
		{"Kasper is not Kaspersky", item(inventory.Application, "", "x", "publisher", "Kasper Systems"), nil},
		{"a Huawei-named third-party npm package", item(inventory.Library, "npm", "huawei-lte-api", "purl", "pkg:npm/huawei-lte-api@1.0.0"), nil},
		{"Nebius (the former Yandex N.V.) is not restricted", item(inventory.Application, "", "x", "publisher", "Nebius Group N.V."), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			at := a.Attribute(tc.item)
			var got *want
			if at != nil {
				got = &want{at.Entity.ID, at.Chain.Country}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
