package winreg

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/embargo-dev/embargo/inventory"
)

// FuzzHive reads mutated hives as each kind of hive. The input is the
// hive after its 4 KiB header, which stays valid, so that mutations reach
// the cells rather than stop at the signature. A panic that the guard
// caught still fails: the guard is a safety net, not the design.
func FuzzHive(f *testing.F) {
	software, system, user := fixtureHives(f)
	for _, seed := range [][]byte{software, system, user, emptyHive()} {
		f.Add(seed[firstBin:])
	}
	header := emptyHive()[:firstBin]
	f.Fuzz(func(t *testing.T, bins []byte) {
		data := append(header[:firstBin:firstBin], bins...)
		for _, kind := range []hiveKind{softwareHive, userHive, systemHive} {
			items, _, err := scanHive(context.Background(), "fuzz", bytes.NewReader(data), int64(len(data)), kind, "u", inventory.DefaultLimits)
			if errors.Is(err, errPanic) {
				t.Fatalf("kind %d: %v", kind, err)
			}
			for _, it := range items {
				if reason := inventory.CheckItem(&it, inventory.DefaultLimits); reason != "" {
					t.Errorf("kept an item that fails its check: %s", reason)
				}
			}
		}
	})
}
