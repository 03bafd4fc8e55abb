package inventory

import "context"

type readyKey struct{}

// WithItemsReady returns a context under which a reader that reads a
// large input item by item may hand its items over as they are read, so
// that attribution starts before reading ends (a /16 Nmap run).
func WithItemsReady(ctx context.Context, fn func(items []Item)) context.Context {
	return context.WithValue(ctx, readyKey{}, fn)
}

// ItemsReady hands over the items read so far: all of the inventory's
// Items from the first on. A reader calls it only when those items are
// final (it will neither change, remove nor reorder them); the receiver
// only reads them. It does nothing unless the context asks for items.
func ItemsReady(ctx context.Context, items []Item) {
	if fn, ok := ctx.Value(readyKey{}).(func([]Item)); ok {
		fn(items)
	}
}
