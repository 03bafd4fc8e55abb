package strictyaml

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

type place struct {
	File string
	Line int
}

type fact struct {
	Source string `yaml:"source"`
	Pos    place  `yaml:"-" strictyaml:"line"`
}

type entry struct {
	Line int    `yaml:"-" strictyaml:"line"`
	ID   string `yaml:"id"`
	fact `yaml:",inline"`
}

type file struct {
	Line    int      `yaml:"-" strictyaml:"line"`
	Entries []entry  `yaml:"entries"`
	One     *entry   `yaml:"one"`
	None    *entry   `yaml:"none"`
	Names   []string `yaml:"names"`
}

func TestDecodeLines(t *testing.T) {
	src := "names: [a]\n" +
		"entries:\n" +
		"  - id: a\n" +
		"    source: s\n" +
		"  -\n" +
		"    id: b\n" +
		"one: {id: c}\n"
	n, err := Document([]byte(src), "a test file")
	if err != nil {
		t.Fatal(err)
	}
	var got file
	if err := Decode(n, &got); err != nil {
		t.Fatal(err)
	}
	want := file{
		Line: 1,
		Entries: []entry{
			{Line: 3, ID: "a", fact: fact{Source: "s", Pos: place{Line: 3}}},
			{Line: 6, ID: "b", fact: fact{Pos: place{Line: 6}}},
		},
		One:   &entry{Line: 7, ID: "c", fact: fact{Pos: place{Line: 7}}},
		Names: []string{"a"},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(entry{})); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
	if err := Decode(n, new(struct {
		Names int `yaml:"names"`
	})); err == nil {
		t.Error("a list decoded into an int")
	}
}
