package main

import (
	"sync"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/feed"
	"github.com/embargo-dev/embargo/policy"
)

// dataInUse is the catalogue and packs this run judges by, loaded once:
// the feed installed by `embargo update` (in EMBARGO_DATA_DIR or the
// default data directory), or the binary's own when none is, with the
// local catalogue files of the data directory's local/ folder and of
// --catalog added to its catalogue.
var dataInUse = sync.OnceValues(func() (feed.Data, error) {
	dir, err := feedDir("")
	if err != nil {
		dir = ""
	}
	d, err := feed.InUse(dir)
	if err != nil {
		return d, err
	}
	return withLocal(d, dir)
})

// catalogInUse is the catalogue of dataInUse.
func catalogInUse() (*catalog.Catalog, error) {
	d, err := dataInUse()
	return d.Catalog, err
}

// packsInUse are the built-in packs of dataInUse (the feed's, or the
// binary's).
func packsInUse() ([]*policy.Pack, error) {
	d, err := dataInUse()
	if err != nil {
		return nil, err
	}
	if d.Packs != nil {
		return d.Packs, nil
	}
	return policy.Packs()
}
