package strictyaml

import (
	"reflect"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// Decode decodes n into v, a pointer, and then records where each mapping
// was written: in every struct decoded from a mapping, the field tagged
// `strictyaml:"line"` is set to the mapping's line (an int field, or the
// Line field of a struct such as a file position). Types need no
// UnmarshalYAML of their own for that.
func Decode(n *yaml.Node, v any) error {
	if err := n.Decode(v); err != nil {
		return err
	}
	setLines(n, reflect.ValueOf(v))
	return nil
}

func setLines(n *yaml.Node, v reflect.Value) {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	switch {
	case v.Kind() == reflect.Struct && n.Kind == yaml.MappingNode:
		p := placesOf(v.Type())
		for _, idx := range p.lines {
			f := v.FieldByIndex(idx)
			if f.Kind() == reflect.Struct {
				f = f.FieldByName("Line")
			}
			f.SetInt(int64(n.Line))
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if idx, ok := p.keys[n.Content[i].Value]; ok {
				setLines(n.Content[i+1], v.FieldByIndex(idx))
			}
		}
	case v.Kind() == reflect.Slice && n.Kind == yaml.SequenceNode:
		// The decoder fills a slice element for each entry, in order.
		for i := 0; i < len(n.Content) && i < v.Len(); i++ {
			setLines(n.Content[i], v.Index(i))
		}
	}
}

// places are a struct type's fields by YAML key, and its line fields,
// each as a field index path through inline structs.
type places struct {
	keys  map[string][]int
	lines [][]int
}

var placesCache sync.Map // reflect.Type -> *places

func placesOf(t reflect.Type) *places {
	if p, ok := placesCache.Load(t); ok {
		return p.(*places)
	}
	p := &places{keys: map[string][]int{}}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		switch {
		case f.Tag.Get("strictyaml") == "line":
			p.lines = append(p.lines, []int{i})
		case opts == "inline" && f.Type.Kind() == reflect.Struct:
			in := placesOf(f.Type)
			for k, idx := range in.keys {
				p.keys[k] = append([]int{i}, idx...)
			}
			for _, idx := range in.lines {
				p.lines = append(p.lines, append([]int{i}, idx...))
			}
		case name != "" && name != "-":
			p.keys[name] = []int{i}
		}
	}
	placesCache.Store(t, p)
	return p
}
