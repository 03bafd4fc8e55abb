package scan

import (
	"sync"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/inventory"
)

// early attributes the items a reader hands over while it reads
// (inventory.ItemsReady), on one goroutine beside the reader, so that on
// two cores reading and attributing overlap. Results are kept with the
// item's id: builder.add takes a result only for the item it was
// computed for, so a reader that hands over something else (several
// documents read under one context, each from its first item) costs time,
// never a wrong attribution.
type early struct {
	a    *attribute.Attributor
	mu   sync.Mutex
	ids  []string
	ats  []*attribute.Attribution
	work chan []inventory.Item
	done chan struct{}
}

func newEarly(a *attribute.Attributor) *early {
	e := &early{a: a, work: make(chan []inventory.Item, 64), done: make(chan struct{})}
	go e.run()
	return e
}

// ready receives the reader's items so far and queues the new ones.
func (e *early) ready(items []inventory.Item) {
	e.mu.Lock()
	from := len(e.ids)
	if from > len(items) || from > 0 && items[0].ID != e.ids[0] {
		e.mu.Unlock()
		return // another document's items: not this stream
	}
	e.ids = append(e.ids, make([]string, len(items)-from)...)
	for i := from; i < len(items); i++ {
		e.ids[i] = items[i].ID
	}
	e.mu.Unlock()
	if from < len(items) {
		e.work <- items[from:]
	}
}

func (e *early) run() {
	defer close(e.done)
	for batch := range e.work {
		out := make([]*attribute.Attribution, len(batch))
		for i := range batch {
			out[i] = e.a.Attribute(&batch[i])
		}
		e.mu.Lock()
		e.ats = append(e.ats, out...)
		e.mu.Unlock()
	}
}

// results stops the worker and returns the ids and attributions of the
// items it attributed, in order.
func (e *early) results() ([]string, []*attribute.Attribution) {
	close(e.work)
	<-e.done
	return e.ids[:len(e.ats)], e.ats
}
