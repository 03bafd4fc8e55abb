package osquery

import (
	"context"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
)

// TestLanguageTables: python_packages and npm_packages rows become
// library items of their ecosystem, which attribution matches as their
// package URLs would be.
func TestLanguageTables(t *testing.T) {
	f, err := os.Open("testdata/languages.log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	inv, err := Reader{}.Read(context.Background(), "languages.log", f, inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	items, gaps := summarise(t, inv)
	want := []itemRow{
		{inventory.Library, "pypi", "tencentcloud-sdk-python-common", "3.0.1300", "lin-02", "pack_python_packages added", 1, attrs(
			"author", "Tencent Cloud", "path", "/srv/app/.venv/lib/python3.11/site-packages/tencentcloud_sdk_python_common-3.0.1300.dist-info/")},
		{inventory.Library, "npm", "@larksuiteoapi/node-sdk", "1.40.0", "lin-02", "pack_npm_packages added", 2, attrs(
			"path", "/srv/web/node_modules/@larksuiteoapi/node-sdk")},
	}
	if diff := cmp.Diff(want, items); diff != "" || len(gaps) > 0 {
		t.Errorf("(-want +got):\n%s\nunknowns %v", diff, gaps)
	}
}
