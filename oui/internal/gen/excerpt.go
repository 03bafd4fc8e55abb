package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// excerpts are the assignments the tests look up, by listing: vendors
// the catalogue names, the IEEE RA's subdivided blocks and what is
// assigned in them, and the listings' oddities (a prefix listed three
// times, a block with the U/L bit set, tabs, C1 mojibake, addresses over
// several lines).
var excerpts = map[string][]string{
	"oui.csv": {
		"4447CC", "5803FB", // Hangzhou Hikvision Digital Technology
		"08EDED",           // Zhejiang Dahua Technology
		"30FBB8", "10327E", // HUAWEI TECHNOLOGIES, Huawei Device
		"086083",           // zte corporation
		"6469BC", "9C066E", // Hytera
		"481CB9",                               // SZ DJI TECHNOLOGY
		"001BC5", "70B3D5", "0050C2", "40D855", // the IEEE RA's blocks of MA-S and IAB
		"8C1F64", "FCFFAA", // another; one with nothing assigned in it yet
		"080030", // listed three times
		"02C08C", // 3COM, a 1980s block with the U/L bit set
		"28D1B7", // a tab after the organisation name
		"3CB07E", // an address over five lines
	},
	"mam.csv": {
		"18D7936", // Autel Intelligent Technology (as listed: "lntelligent")
		"9C69B4E", // tabs in the address; 9C69B4 is the IEEE RA's
		"8411C23", // a tab before the organisation name
		"1C88790", // a block the MA-L listing does not name
		"741AE09", // Private
		"303D51B", // an address over two lines
	},
	"oui36.csv": {
		"001BC50B7", "001BC5074", // in 00-1B-C5
		"70B3D5F2F", // a quoted address
		"70B3D59F3", // an MA-S the IEEE RA holds itself
		"8C1F64A32",
		"8C1F64C57", // an address over two lines
	},
	"iab.csv": {
		"0050C27D5", // DEUTA-WERKE
		"0050C28FD", // C1 control character (mojibake) in the address
		"40D85511C",
	},
}

// writeExcerpts copies, for each listing, its header and the records of
// the prefixes in excerpts, byte for byte and in the listing's order.
func writeExcerpts(dir, out string) error {
	for file, prefixes := range excerpts {
		raw, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			return err
		}
		want := map[string]bool{}
		for _, p := range prefixes {
			want[p] = true
		}
		r := csv.NewReader(bytes.NewReader(raw))
		var b bytes.Buffer
		var prev int64
		found := map[string]bool{}
		for rec := 0; ; rec++ {
			fields, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return fmt.Errorf("%s: %w", file, err)
			}
			end := r.InputOffset()
			if rec == 0 || want[fields[1]] {
				b.Write(raw[prev:end])
				found[fields[1]] = true
			}
			prev = end
		}
		for _, p := range prefixes {
			if !found[p] {
				return fmt.Errorf("%s: no record of %s", file, p)
			}
		}
		name := "excerpt-" + strings.TrimSuffix(file, ".csv") + ".csv"
		if err := os.WriteFile(filepath.Join(out, name), b.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}
