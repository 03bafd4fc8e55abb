package scan

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
)

// A phone's package list (adb shell pm list packages) is recognised by
// its content and its apps attributed by package name: TikTok and WeChat
// to their suppliers' products, the platform's own packages to none.
func TestAndroidPackageList(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), attribute.New(cat), []string{"../inventory/androidpm/testdata/pm-list-f-U-versioncode.txt"}, Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range rep.Items {
		product := ""
		if e.Attribution != nil && e.Attribution.Product != nil {
			product = e.Attribution.Product.ID
		}
		got[e.Name] = product
	}
	want := map[string]string{
		"com.zhiliaoapp.musically": "tiktok",
		"com.tencent.mm":           "wechat-android",
		"com.android.settings":     "",
		"com.android.tzdata":       "",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("products by package (-want +got):\n%s", diff)
	}
}
