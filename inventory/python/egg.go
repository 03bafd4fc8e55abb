package python

import (
	"archive/zip"
	"errors"
	"fmt"

	"github.com/embargo-dev/embargo/inventory"
)

// maxEgg bounds a zipped egg that is opened for its metadata: the zip's
// directory is read from its end, so the bound is on the file, not on
// what is read of it.
const maxEgg = 1 << 30

// eggMetadata reads EGG-INFO/PKG-INFO from a zipped egg (what
// `setup.py install` leaves in site-packages).
func eggMetadata(t *inventory.Target, f inventory.TargetFile, lim inventory.Limits) ([]byte, error) {
	name := t.Display(f.Path)
	ra, size, err := t.OpenAt(f.Path)
	if err != nil {
		return nil, err
	}
	defer ra.Close()
	if size > maxEgg {
		return nil, &inventory.InputError{Source: name, Offset: -1, Err: fmt.Errorf("%w: %d bytes", inventory.ErrTooLarge, size)}
	}
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return nil, &inventory.InputError{Source: name, Offset: -1, Err: fmt.Errorf("not a zipped egg: %w", err)}
	}
	for _, zf := range zr.File {
		if zf.Name != "EGG-INFO/PKG-INFO" {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return nil, &inventory.InputError{Source: name, Offset: -1, Err: err}
		}
		defer rc.Close()
		limit := int64(maxMetadata)
		if lim.MaxBytes > 0 {
			limit = min(limit, lim.MaxBytes)
		}
		data, err := inventory.ReadAll(rc, limit)
		if err != nil {
			return nil, &inventory.InputError{Source: name + "!/EGG-INFO/PKG-INFO", Offset: -1, Err: err}
		}
		return data, nil
	}
	return nil, &inventory.InputError{Source: name, Offset: -1, Err: errors.New("no EGG-INFO/PKG-INFO in the egg")}
}
