package oui

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// excerptSource names the registry of the excerpts in tests.
var excerptSource = Source{Name: "excerpt", Version: "20220827.1", Date: time.Date(2022, 8, 27, 20, 8, 57, 0, time.UTC)}

// excerptFiles opens testdata's excerpts of the ieee-data listings.
func excerptFiles(t testing.TB) []File {
	t.Helper()
	var files []File
	for _, n := range DebianFiles {
		p := filepath.Join("testdata", "excerpt-"+n)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, File{Name: p, R: bytes.NewReader(b)})
	}
	return files
}

func excerptRegistry(t testing.TB) *Registry {
	t.Helper()
	r, err := FromCSV(context.Background(), excerptSource, excerptFiles(t)...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestLookupExcerpt(t *testing.T) {
	r := excerptRegistry(t)
	const hik = "Hangzhou Hikvision Digital Technology Co.,Ltd."
	tests := []struct {
		name, mac string
		want      *Assignment
	}{
		{"MA-L", "44:47:CC:12:34:56", &Assignment{Prefix: "4447CC", Bits: 24, Registry: MAL, Org: hik}},
		{"Cisco form", "5803.fb00.0001", &Assignment{Prefix: "5803FB", Bits: 24, Registry: MAL, Org: hik}},
		{"hyphens", "08-ED-ED-00-00-01", &Assignment{Prefix: "08EDED", Bits: 24, Registry: MAL, Org: "Zhejiang Dahua Technology Co., Ltd."}},
		{"bare", "30fbb8000001", &Assignment{Prefix: "30FBB8", Bits: 24, Registry: MAL, Org: "HUAWEI TECHNOLOGIES CO.,LTD"}},
		{"MA-S in the IEEE RA's 00-1B-C5", "00:1b:c5:0b:70:01", &Assignment{Prefix: "001BC50B7", Bits: 36, Registry: MAS, Org: "Autelis, LLC"}},
		{"last address of that MA-S", "00:1b:c5:0b:7f:ff", &Assignment{Prefix: "001BC50B7", Bits: 36, Registry: MAS, Org: "Autelis, LLC"}},
		{"next to it, unassigned", "00:1b:c5:0b:80:00", nil},
		{"another MA-S there", "00:1b:c5:07:40:00", &Assignment{Prefix: "001BC5074", Bits: 36, Registry: MAS, Org: "Dynasthetics"}},
		{"MA-S in 70-B3-D5", "70:b3:d5:f2:f0:00", &Assignment{Prefix: "70B3D5F2F", Bits: 36, Registry: MAS, Org: "TELEPLATFORMS"}},
		{"an MA-S the RA holds", "70:b3:d5:9f:3a:bc", &Assignment{Prefix: "70B3D59F3", Bits: 36, Registry: MAS, Org: RegistrationAuthority}},
		{"IAB", "00:50:c2:7d:5f:ff", &Assignment{Prefix: "0050C27D5", Bits: 36, Registry: IAB, Org: "DEUTA-WERKE GmbH"}},
		{"IAB in 40-D8-55", "40:d8:55:11:c0:01", &Assignment{Prefix: "40D85511C", Bits: 36, Registry: IAB, Org: "DEUTA-WERKE GmbH"}},
		{"IEEE RA block, nothing assigned", "fc:ff:aa:00:00:01", nil},
		{"IEEE RA block 8C-1F-64, slot unassigned", "8c:1f:64:00:00:01", nil},
		{"MA-M", "18:d7:93:60:00:01", &Assignment{Prefix: "18D7936", Bits: 28, Registry: MAM, Org: "Autel lntelligent Technology Corp.,Ltd"}},
		{"MA-M block, other nibble", "18:d7:93:70:00:01", nil},
		{"MA-M whose block the MA-L listing omits", "1c:88:79:0a:bc:de", &Assignment{Prefix: "1C88790", Bits: 28, Registry: MAM, Org: "Newps co.,ltd"}},
		{"tabs folded", "28:d1:b7:00:00:01", &Assignment{Prefix: "28D1B7", Bits: 24, Registry: MAL, Org: "Shenzhen YOUHUA Technology Co., Ltd"}},
		{"leading tab", "84:11:c2:30:00:00", &Assignment{Prefix: "8411C23", Bits: 28, Registry: MAM, Org: "FUJIFILM Healthcare Corporation"}},
		{"private", "74:1a:e0:90:00:00", &Assignment{Prefix: "741AE09", Bits: 28, Registry: MAM, Org: "Private"}},
		{"listed three times", "08:00:30:12:34:56", &Assignment{Prefix: "080030", Bits: 24, Registry: MAL,
			Org: "NETWORK RESEARCH CORPORATION", Others: []string{"ROYAL MELBOURNE INST OF TECH", "CERN"}}},
		{"listed MA-L with the U/L bit", "02:c0:8c:00:00:01", nil},
		{"locally administered", "46:47:cc:00:00:01", nil},
		{"multicast", "45:47:cc:00:00:01", nil},
		{"broadcast", "ff:ff:ff:ff:ff:ff", nil},
		{"not listed", "00:00:00:00:00:01", nil},
		{"malformed", "44:47:cc:00:00", nil},
		{"empty", "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := r.Lookup(tc.mac)
			if tc.want == nil {
				if ok {
					t.Errorf("Lookup(%s) = %+v, want none", tc.mac, got)
				}
				return
			}
			if diff := cmp.Diff(*tc.want, got); diff != "" || !ok {
				t.Errorf("Lookup(%s) ok %v (-want +got):\n%s", tc.mac, ok, diff)
			}
		})
	}
}

func TestC1Mojibake(t *testing.T) {
	in := "Registry,Assignment,Organization Name,Organization Address\r\nIAB,0050C28FD,Sindoma \u009dx,Dereboyu \u009dstanbul\r\n"
	r, err := FromCSV(context.Background(), excerptSource, File{"c1.csv", bytes.NewReader([]byte(in))})
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := r.Lookup("00:50:c2:8f:d0:00"); a.Org != "Sindoma \uFFFDx" {
		t.Errorf("Org %q", a.Org)
	}
}

// A registry written and loaded again is the same registry.
func TestWriteLoad(t *testing.T) {
	r := excerptRegistry(t)
	var b bytes.Buffer
	if err := r.Write(&b); err != nil {
		t.Fatal(err)
	}
	again, err := Load(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(slices.Collect(r.All()), slices.Collect(again.All())); diff != "" {
		t.Errorf("assignments (-written +loaded):\n%s", diff)
	}
	if diff := cmp.Diff(r.Source(), again.Source()); diff != "" {
		t.Errorf("source (-written +loaded):\n%s", diff)
	}
	if r.Digest() != again.Digest() || r.Len() != again.Len() || r.Len() != 36 {
		t.Errorf("digest %s / %s, len %d / %d", r.Digest(), again.Digest(), r.Len(), again.Len())
	}
	counts := map[string]int{}
	for _, reg := range []string{MAL, MAM, MAS, IAB, "CID"} {
		counts[reg] = again.Count(reg)
	}
	if diff := cmp.Diff(map[string]int{MAL: 21, MAM: 6, MAS: 6, IAB: 3, "CID": 0}, counts); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	src := again.Source()
	if again.Version() != "20220827.1" || !again.Date().Equal(excerptSource.Date) || len(src.Files) != 4 ||
		src.Files[0].Records != 21 || len(src.Files[0].SHA256) != 64 {
		t.Errorf("source %+v", src)
	}
}

// Lookup allocates nothing, in any outcome.
func TestLookupAllocs(t *testing.T) {
	r := excerptRegistry(t)
	for _, mac := range []string{"44:47:cc:12:34:56", "00:1b:c5:0b:70:01", "08:00:30:00:00:01", "02:00:00:00:00:01", "fc:ff:aa:00:00:01"} {
		if n := testing.AllocsPerRun(100, func() { r.Lookup(mac) }); n != 0 {
			t.Errorf("Lookup(%s): %v allocations", mac, n)
		}
	}
}

// An assignment listed in one file may be in any file: the Registry
// column says what it is, and one file may mix registries.
func TestMixedFile(t *testing.T) {
	in := "Registry,Assignment,Organization Name,Organization Address\n" +
		"MA-S,103456ABC,Small Co,\n" +
		"ma-l,103456,Large Co,Somewhere\n" +
		"MA-L,accdef,Lower Case Hex,\n"
	r, err := FromCSV(context.Background(), Source{}, File{"mixed.csv", bytes.NewReader([]byte(in))})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, mac := range []string{"10:34:56:ab:c0:00", "10:34:56:00:00:00", "ac:cd:ef:00:00:00"} {
		a, _ := r.Lookup(mac)
		got[mac] = a.Registry + " " + a.Prefix + " " + a.Org
	}
	// An MA-L with assignments inside it is taken as subdivided, as the
	// IEEE RA's are: only those attribute.
	want := map[string]string{
		"10:34:56:ab:c0:00": "MA-S 103456ABC Small Co",
		"10:34:56:00:00:00": "  ",
		"ac:cd:ef:00:00:00": "MA-L ACCDEF Lower Case Hex",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
