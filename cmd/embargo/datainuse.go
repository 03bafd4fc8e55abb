package main

import (
	"sync"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/feed"
	"github.com/embargo-dev/embargo/policy"
)

// dataInUse is the catalogue and packs this run judges by, loaded once:
// the feed installed by `embargo update` (in EMBARGO_DATA_DIR or the
// default data directory), or the binary's own when none is.
var dataInUse = sync.OnceValues(func() (feed.Data, error) {
	dir, err := feedDir("")
	if err != nil {
		return feed.InUse("")
	}
	return feed.InUse(dir)
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
