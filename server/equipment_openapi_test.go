package server

import (
	"reflect"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/store"
)

// TestEquipmentSchemasMatchGoTypes: the schemas of the equipment list in
// openapi.yaml have the JSON fields of their Go types, both ways, with
// matching types, and require what Go always writes.
func TestEquipmentSchemasMatchGoTypes(t *testing.T) {
	doc := openAPIDoc(t)
	for _, tc := range []struct {
		schema string
		typ    any
	}{
		{"Equipment", store.Equipment{}}, {"EquipmentSupplier", store.EquipmentSupplier{}}, {"EquipmentLabel", store.EquipmentLabel{}},
		{"EquipmentSignal", store.EquipmentSignal{}}, {"MACRegistrant", store.MACRegistrant{}}, {"EquipmentFinding", store.EquipmentFinding{}},
	} {
		t.Run(tc.schema, func(t *testing.T) {
			sch := deref(t, doc, map[string]any{"$ref": "#/components/schemas/" + tc.schema})
			props, _ := sch["properties"].(map[string]any)
			var documented, encoded, required, always []string
			for name := range props {
				documented = append(documented, name)
			}
			for _, r := range asList(sch["required"]) {
				required = append(required, r.(string))
			}
			for _, fl := range jsonFields(reflect.TypeOf(tc.typ)) {
				encoded = append(encoded, fl.name)
				if !fl.optional {
					always = append(always, fl.name)
				}
				if p, ok := props[fl.name]; ok {
					if err := checkType(deref(t, doc, p), fl.typ); err != nil {
						t.Errorf("property %q: %v", fl.name, err)
					}
				}
			}
			for _, s := range [][]string{documented, encoded, required, always} {
				slices.Sort(s)
			}
			if d := cmp.Diff(encoded, documented); d != "" {
				t.Errorf("properties (-Go +openapi.yaml):\n%s", d)
			}
			if d := cmp.Diff(always, required); d != "" {
				t.Errorf("required (-always encoded +openapi.yaml):\n%s", d)
			}
		})
	}
}
