package scan

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
)

// A directory of documents is read as one input, whatever their readers,
// with notes beside them left out and a page that cannot be read an
// unknown of the directory; a directory holding anything else (a folder,
// a file no reader takes) is a host to walk.
func TestDocumentsDirectory(t *testing.T) {
	pm, err := os.ReadFile("../inventory/androidpm/testdata/pm-list-f-U-versioncode.txt")
	if err != nil {
		t.Fatal(err)
	}
	write := func(dir string, files map[string]string) string {
		for name, data := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	docs := write(t.TempDir(), map[string]string{
		"phone-1.txt": string(pm),
		"phone-2.txt": "package:com.tencent.mm versionCode:2580\n",
		"README.md":   "phones of the finance team\n",
		".hidden":     "not a document",
	})
	mixed := write(t.TempDir(), map[string]string{"phone-1.txt": string(pm), "notes.txt": "hello\n"})
	nested := write(t.TempDir(), map[string]string{"phone-1.txt": string(pm)})
	if err := os.Mkdir(filepath.Join(nested, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		dir  string
		want bool
	}{{docs, true}, {mixed, false}, {nested, false}, {t.TempDir(), false}} {
		if got := (documentsSource{}).Accepts(tc.dir, ""); got != tc.want {
			t.Errorf("Accepts(%v) = %v, want %v", tc.dir, got, tc.want)
		}
	}
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), attribute.New(cat), []string{docs}, Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, e := range rep.Items {
		if e.Attribution != nil && e.Attribution.Product != nil {
			got[e.Attribution.Product.ID+" in "+filepath.Base(e.Location.Source)]++
		}
	}
	want := map[string]int{"tiktok in phone-1.txt": 1, "wechat-android in phone-1.txt": 1, "wechat-android in phone-2.txt": 1}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("attributed (-want +got):\n%s", diff)
	}
	if len(rep.Inputs) != 1 || rep.Inputs[0].Reader != "documents" || rep.Inputs[0].Format != "2 documents: Android pm list packages ×2" {
		t.Errorf("inputs: %+v", rep.Inputs)
	}

	// A page that cannot be read is an unknown naming it; the others are
	// still read.
	write(docs, map[string]string{"phone-3.txt": "package:com.example.ok\n" + "package:\x00bad\n"})
	if err := os.WriteFile(filepath.Join(docs, "phone-4.txt"), append([]byte("package:a.b\n"), make([]byte, 20<<10)...), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err = Run(context.Background(), attribute.New(cat), []string{docs}, Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	var failed []string
	for _, u := range rep.Unknowns {
		if u.Location.Line == 0 {
			failed = append(failed, filepath.Base(u.Location.Source))
		}
	}
	if diff := cmp.Diff([]string{"phone-4.txt"}, failed); diff != "" {
		t.Errorf("pages that failed (-want +got):\n%s", diff)
	}
}
