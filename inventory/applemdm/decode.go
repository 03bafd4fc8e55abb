package applemdm

import (
	"github.com/embargo-dev/embargo/internal/plist"
	"github.com/embargo-dev/embargo/inventory"
)

// decode decodes a property list into generic values (plist.Decode
// refuses first a binary one that would decode to far more values than it
// has bytes).
func decode(name string, data []byte, lim inventory.Limits) (any, error) {
	var top any
	if err := plist.Decode(name, data, &top, lim); err != nil {
		return nil, err
	}
	return top, nil
}
