package androidpm

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/embargo-dev/embargo/inventory"
)

func read(t *testing.T, name string, data []byte, lim inventory.Limits) (*inventory.Inventory, error) {
	t.Helper()
	return Reader{}.Read(context.Background(), name, bytes.NewReader(data), lim)
}

// TestRead reads the documented forms of the output: each package an
// application of the android ecosystem, named and identified by its
// package name, with its APK's path, its version code and the users
// holding it.
func TestRead(t *testing.T) {
	type item struct {
		Name, Version, Path, Ref string
		Line                     int
	}
	for _, c := range []struct {
		file string
		want []item
	}{
		{"pm-list-f-U-versioncode.txt", []item{
			{"com.zhiliaoapp.musically", "2023708030", "/data/app/~~Hn3k0ZqU8Xy2dQ1oQe7w5A==/com.zhiliaoapp.musically-Q2a9Lw0nE4i7Yt6u5r4s3Q==/base.apk", "package:com.zhiliaoapp.musically (users 0)", 1},
			{"com.android.settings", "34", "/system/priv-app/Settings/Settings.apk", "package:com.android.settings (users 0)", 2},
			{"com.tencent.mm", "4294967297", "/data/app/~~aB3cD4eF5gH6iJ7kL8mN9o==/com.tencent.mm-pQ1rS2tU3vW4xY5zA6bC7d==/base.apk", "package:com.tencent.mm (users 0, 10)", 3},
			{"com.android.tzdata", "351010000", "/apex/com.android.tzdata.apex", "package:com.android.tzdata", 4},
		}},
		{"pm-list-plain.txt", []item{
			{"com.kms.free", "", "", "package:com.kms.free", 1},
			{"android", "", "", "package:android", 2},
			{"com.huawei.hwid", "", "", "package:com.huawei.hwid", 3},
		}},
	} {
		t.Run(c.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", c.file))
			if err != nil {
				t.Fatal(err)
			}
			if !(Reader{}).Sniff(c.file, data[:min(len(data), 512)]) {
				t.Error("not recognised")
			}
			inv, err := read(t, c.file, data, inventory.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			var got []item
			for _, it := range inv.Items {
				if it.Type != inventory.Application || it.Ecosystem != "android" || it.Get(inventory.AndroidID) != it.Name || it.ID == "" {
					t.Errorf("item %+v", it)
				}
				got = append(got, item{it.Name, it.Version, it.Get(inventory.Path), it.Location.Ref, it.Location.Line})
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
			if len(inv.Unknowns) != 0 {
				t.Errorf("unknowns: %+v", inv.Unknowns)
			}
		})
	}
}

// Lines that are not packages are unknowns at their line, and reading
// goes on; an output with no package line is an error naming the input.
func TestReadMalformed(t *testing.T) {
	in := strings.Join([]string{
		"WARNING: linker: libdvm.so has text relocations.",
		"package:com.zhiliaoapp.musically versionCode:12",
		"package:/data/app/x/base.apk=com.example.app versionCode:12a",
		"package:/data/app/x/base.apk=not a name",
		"package:=1bad.start",
		"sdk:com.google.android.ads:1",
		"package:com.example.ok uid:10001,oops",
		"package:",
	}, "\n")
	inv, err := read(t, "pm.txt", []byte(in), inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Items) != 1 || inv.Items[0].Name != "com.zhiliaoapp.musically" || inv.Items[0].Location.Line != 2 {
		t.Errorf("items %+v", inv.Items)
	}
	var lines []int
	for _, u := range inv.Unknowns {
		lines = append(lines, u.Location.Line)
		if u.Reason == "" || u.Location.Source != "pm.txt" {
			t.Errorf("unknown %+v", u)
		}
	}
	if diff := cmp.Diff([]int{1, 3, 4, 5, 6, 7, 8}, lines); diff != "" {
		t.Errorf("unknown lines (-want +got):\n%s", diff)
	}

	for name, data := range map[string]string{
		"empty":       "",
		"blank":       "\n\r\n  \n",
		"no packages": "Error: could not access the Package Manager.  Is the system running?\n",
		"too long":    "package:" + strings.Repeat("a", maxLine+10) + "\n",
	} {
		_, err := read(t, "pm.txt", []byte(data), inventory.DefaultLimits)
		var ie *inventory.InputError
		if !errors.As(err, &ie) || ie.Source != "pm.txt" {
			t.Errorf("%s: %v, want an InputError naming the input", name, err)
		}
	}
}

// Limits: a name past the string limit is an unknown; past the item
// limit the input is refused.
func TestReadLimits(t *testing.T) {
	lim := inventory.Limits{MaxBytes: 1 << 20, MaxItems: 2, MaxString: 20, MaxDepth: 4}
	inv, err := read(t, "pm.txt", []byte("package:com.example.a\npackage:com.example.very.long.name.indeed\n"), lim)
	if err != nil || len(inv.Items) != 1 || len(inv.Unknowns) != 1 || !strings.Contains(inv.Unknowns[0].Reason, "longer than 20") {
		t.Errorf("string limit: %+v %v", inv, err)
	}
	if _, err := read(t, "pm.txt", []byte("package:a.b\npackage:a.c\npackage:a.d\n"), lim); err == nil || !strings.Contains(err.Error(), "item limit") {
		t.Errorf("item limit: %v", err)
	}
}

// Sniff takes the output by its first line, not other text that merely
// mentions packages.
func TestSniff(t *testing.T) {
	for head, want := range map[string]bool{
		"package:com.tencent.mm\n":                           true,
		"\xef\xbb\xbfpackage:/a/base.apk=com.tencent.mm\r\n": true,
		"  \npackage:android":                                true,
		"package: com.tencent.mm\n":                          false,
		"package:com.tencent.mm and more\n":                  false,
		"Package: kesl\nStatus: install ok installed\n":      false,
		`{"package":"com.tencent.mm"}`:                       false,
		"":                                                   false,
	} {
		if got := (Reader{}).Sniff("x", []byte(head)); got != want {
			t.Errorf("Sniff(%q) = %v, want %v", head, got, want)
		}
	}
}

// TestValidName follows Android's rules for package names.
func TestValidName(t *testing.T) {
	var got []string
	for _, s := range []string{"android", "com.kms.free", "com.mm.android.DMSS", "a.b_c.d9", "", ".a", "a..b", "a.", "1a.b", "a._b", "a.b-c", "a b", "a.é"} {
		if inventory.ValidAndroidPackage(s) {
			got = append(got, s)
		}
	}
	if diff := cmp.Diff([]string{"android", "com.kms.free", "com.mm.android.DMSS", "a.b_c.d9"}, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("valid names (-want +got):\n%s", diff)
	}
}
