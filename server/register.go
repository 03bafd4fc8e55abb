package server

import (
	"bytes"

	"gopkg.in/yaml.v3"
)

// registerOf is the register YAML data with only the systems of
// department dept: what an officer of dept may read. The rest (the
// scale, the default) is kept as written; a system that names no
// department is no officer's.
func registerOf(data []byte, dept string) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 1 && doc.Content[0].Kind == yaml.MappingNode {
		top := doc.Content[0]
		for i := 0; i+1 < len(top.Content); i += 2 {
			if top.Content[i].Value != "systems" || top.Content[i+1].Kind != yaml.SequenceNode {
				continue
			}
			seq := top.Content[i+1]
			kept := seq.Content[:0]
			for _, sys := range seq.Content {
				if departmentOf(sys) == dept {
					kept = append(kept, sys)
				}
			}
			seq.Content = kept
			if len(kept) == 0 {
				seq.Style = yaml.FlowStyle // systems: []
			}
		}
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// departmentOf is the department a system's mapping names.
func departmentOf(sys *yaml.Node) string {
	if sys.Kind != yaml.MappingNode {
		return ""
	}
	for i := 0; i+1 < len(sys.Content); i += 2 {
		if sys.Content[i].Value == "department" {
			return sys.Content[i+1].Value
		}
	}
	return ""
}
