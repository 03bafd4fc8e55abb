package main

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A tiny topology in world-atlas's form: quantized, delta-encoded arcs
// (scale 1°, so a unit is a degree, translated to -180,-90).
const tiny = `{
 "type": "Topology",
 "transform": {"scale": [1, 1], "translate": [-180, -90]},
 "objects": {"countries": {"type": "GeometryCollection", "geometries": [
  {"type": "Polygon", "id": "643", "properties": {"name": "Russia"}, "arcs": [[0]]},
  {"type": "MultiPolygon", "id": "250", "properties": {"name": "France"}, "arcs": [[[1]], [[-2]]]},
  {"type": "Polygon", "id": "702", "properties": {"name": "Singapore"}, "arcs": [[2]]},
  {"type": "Polygon", "id": "010", "properties": {"name": "Antarctica"}, "arcs": [[1]]},
  {"type": "Polygon", "properties": {"name": "N. Cyprus"}, "arcs": [[1]]}
 ]}},
 "arcs": [
  [[350, 150], [20, 0], [0, 10], [-20, 0], [0, -10]],
  [[182, 136], [5, 0], [0, 5], [-5, -5]],
  [[284, 91], [0, 0], [0, 0], [0, 0]]
 ]
}`

func TestRender(t *testing.T) {
	topo, err := decodeTopology([]byte(tiny))
	if err != nil {
		t.Fatal(err)
	}
	svg, n, err := render(topo, 0.4)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		ViewBox string `xml:"viewBox,attr"`
		Paths   []struct {
			ID    string `xml:"id,attr"`
			D     string `xml:"d,attr"`
			Title string `xml:"title"`
		} `xml:"path"`
	}
	if err := xml.Unmarshal(svg, &doc); err != nil {
		t.Fatalf("%v\n%s", err, svg)
	}
	var ids []string
	for _, p := range doc.Paths {
		ids = append(ids, p.ID+" "+p.Title)
	}
	// Antarctica and the country without a code are left out.
	if d := cmp.Diff([]string{"FR France", "RU Russia", "SG Singapore"}, ids); d != "" {
		t.Errorf("countries (-want +got):\n%s", d)
	}
	if n != 3 || doc.ViewBox != "0 0 1800 720" {
		t.Errorf("n %d, viewBox %q", n, doc.ViewBox)
	}
	byID := map[string]string{}
	for _, p := range doc.Paths {
		byID[p.ID] = p.D
	}
	// Russia crosses the antimeridian (170°E to 190°E): drawn twice.
	if strings.Count(byID["RU"], "M") != 2 {
		t.Errorf("Russia: %s, want two rings (one a world to the left)", byID["RU"])
	}
	// France's second ring is its first reversed.
	if strings.Count(byID["FR"], "M") != 2 {
		t.Errorf("France: %s", byID["FR"])
	}
	// Singapore collapses to a point: drawn as a dot.
	if !strings.HasSuffix(byID["SG"], "l3 3l-3 3l-3 -3z") {
		t.Errorf("Singapore: %s, want a dot", byID["SG"])
	}
}

func TestSimplify(t *testing.T) {
	line := []point{{0, 0}, {1, 0.1}, {2, 0}, {3, 5}, {4, 0}}
	got := simplify(line, 0.5)
	want := []point{{0, 0}, {2, 0}, {3, 5}, {4, 0}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestAlpha2(t *testing.T) {
	got := []string{alpha2("643"), alpha2("156"), alpha2("344"), alpha2("826"), alpha2(""), alpha2("-99"), alpha2("999")}
	if d := cmp.Diff([]string{"RU", "CN", "HK", "GB", "", "", ""}, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
