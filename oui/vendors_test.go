package oui

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// vendorCounts are the assignments of ieee-data 20220827.1 whose
// organisation contains each term (any case), by organisation as listed
// and registry: counted independently with Python's csv module over the
// four listings, for the catalogue's equipment makers. Substrings catch
// unrelated organisations too (Nautel and Autelis for "Autel", Aztech for
// "ZTE", a Dahua scale factory): the catalogue must name organisations
// exactly.
var vendorCounts = map[string]map[string]int{
	"Hikvision": {
		"MA-L Hangzhou Hikvision Digital Technology Co.,Ltd.": 50,
		"MA-L Prama Hikvision India Private Limited":          1,
	},
	"Dahua": {
		"MA-L Zhejiang Dahua Technology Co., Ltd.": 24,
		"MA-M Shanghai Dahua Scale Factory":        1,
	},
	"Huawei": {
		"MA-L HUAWEI TECHNOLOGIES CO.,LTD":           966,
		"MA-L Huawei Device Co., Ltd.":               430,
		"MA-L Huawei Technologies Co., Ltd.":         1,
		"MA-L Huawei Symantec Technologies Co.,Ltd.": 1,
	},
	"ZTE": {
		"MA-L zte corporation": 298, "MA-M SHANGHAI ZTE TECHNOLOGIES CO.,LTD": 1,
		"MA-L Aztech Electronics Pte Ltd": 3, "MA-L Aztek Networks, Inc.": 1, "MA-L Aztech Associates Inc.": 1,
		"MA-L Shenztech Ltd": 1, "MA-L Aztek, Inc.": 1, "MA-L ANHUI WANZTEN P&T CO., LTD": 1,
		"MA-L Hella Sonnen- und Wetterschutztechnik GmbH": 1, "MA-L ZTEC Instruments, Inc.": 1,
		"MA-L Kaztek Systems": 1, "MA-L AZTEQ Mobile": 1, "MA-L Naztec, Inc.": 1,
		"IAB Brähler ICS Konferenztechnik AG": 1,
	},
	"Hytera": {
		"MA-L Hytera Communications Co .,ltd":            1,
		"MA-L Hytera Communications Corporation Limited": 1,
	},
	"DJI": {"MA-L SZ DJI TECHNOLOGY CO.,LTD": 3},
	"Autel": {
		"MA-M Autel lntelligent Technology Corp.,Ltd": 1,
		"MA-S Nautel LTD": 4, "IAB Nautel LTD": 2, "MA-S Autelis, LLC": 1,
		"MA-L Beijing Autelan Technology Co.,Ltd": 1, "MA-L Beijing Autelan Technology Inc.": 1,
	},
	"Ezviz":    {"MA-L Hangzhou Ezviz Software Co.,Ltd.": 5},
	"Hikrobot": {"MA-L Hangzhou Hikrobot Technology Co., Ltd.": 1, "MA-M Hangzhou Hikrobot Technology Co., Ltd.": 1},
	"Uniview": {
		"MA-L Zhejiang Uniview Technologies Co.,Ltd.":  2,
		"MA-L Zhejiang Uniview Technologies Co., Ltd.": 1,
	},
	"Honor Device": {"MA-L Honor Device Co., Ltd.": 22},
	"Lorex":        {"MA-L Lorex Technology Inc.": 1},
	"Huacheng":     {"MA-L hangzhou huacheng network technology co., ltd": 1},
}

// TestVendorCounts counts in the embedded registry (go test -v lists
// the counts).
func TestVendorCounts(t *testing.T) {
	r := embeddedRegistry(t)
	if r.Version() != "20220827.1" {
		t.Fatalf("the counts are of ieee-data 20220827.1, the embedded registry is of %s: recount them", r.Version())
	}
	got := map[string]map[string]int{}
	for a := range r.All() {
		for term := range vendorCounts {
			if strings.Contains(strings.ToLower(a.Org), strings.ToLower(term)) {
				if got[term] == nil {
					got[term] = map[string]int{}
				}
				got[term][a.Registry+" "+a.Org]++
			}
		}
	}
	if diff := cmp.Diff(vendorCounts, got); diff != "" {
		t.Errorf("(-Python's count +the registry's):\n%s", diff)
	}
	var terms []string
	for term := range got {
		terms = append(terms, term)
	}
	sort.Strings(terms)
	for _, term := range terms {
		var lines []string
		for k, n := range got[term] {
			lines = append(lines, fmt.Sprintf("%5d %s", n, k))
		}
		sort.Sort(sort.Reverse(sort.StringSlice(lines)))
		t.Logf("%s:\n%s", term, strings.Join(lines, "\n"))
	}
}
