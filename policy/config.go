package policy

import (
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// configPrefix marks an item attribute that is one of its settings
// ("config.ksn"); "config.ksn.evidence" says where it was read and is not
// a setting.
const configPrefix = "config."

// ConfigOf is item.config: the item's settings by name, from its
// config.NAME attributes (the first of each name).
func ConfigOf(it *inventory.Item) map[string]string {
	out := map[string]string{}
	if it == nil {
		return out
	}
	for _, a := range it.Attrs {
		name, ok := strings.CutPrefix(string(a.Field), configPrefix)
		if !ok || name == "" || strings.Contains(name, ".") {
			continue
		}
		if _, seen := out[name]; !seen {
			out[name] = a.Value
		}
	}
	return out
}

// configKey is ConfigOf as a key: names and values in the items' order.
func configKey(it *inventory.Item) string {
	var b strings.Builder
	for _, a := range it.Attrs {
		name, ok := strings.CutPrefix(string(a.Field), configPrefix)
		if !ok || name == "" || strings.Contains(name, ".") {
			continue
		}
		b.WriteString(name)
		b.WriteByte('=')
		b.WriteString(a.Value)
		b.WriteByte(0)
	}
	return b.String()
}
