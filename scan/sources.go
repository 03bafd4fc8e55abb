package scan

import (
	"context"

	"github.com/embargo-dev/embargo/inventory"
)

// Source is a kind of input a scan reads: a directory (a host's or an
// unpacked image's files, walked with the collectors), a container image
// tarball, a document one of the Readers reads, or a lone file of a kind
// the collectors read (a program, a registry hive).
type Source interface {
	// Name is what the report says read the input.
	Name() string
	// Accepts reports whether input is of this kind; forced is the
	// reader the user named, if any.
	Accepts(input, forced string) bool
	// Scan reads input into an inventory, with notes on what it covered
	// and did not; reader names what read it when the source does not
	// (a document's reader).
	Scan(ctx context.Context, input string, opts Options) (inv *inventory.Inventory, notes []string, reader string, err error)
}

// Sources lists every kind of input, in the order they are offered an
// input: the first that accepts it reads it. A new kind is one type and
// one line here.
func Sources() []Source {
	return []Source{
		documentsSource{},
		hostSource{},
		imageSource{},
		fileSource{},
		documentSource{},
	}
}

// hostSource walks a directory with the selected collectors.
type hostSource struct{}

func (hostSource) Name() string                 { return "host" }
func (hostSource) Accepts(input, _ string) bool { return isDir(input) }
func (s hostSource) Scan(ctx context.Context, input string, opts Options) (*inventory.Inventory, []string, string, error) {
	inv, notes, err := scanTarget(ctx, input, opts)
	return inv, notes, s.Name(), err
}

// imageSource applies a container image tarball's layers and walks them.
type imageSource struct{}

func (imageSource) Name() string                      { return imageReader }
func (imageSource) Accepts(input, forced string) bool { return isImage(input, forced) }
func (s imageSource) Scan(ctx context.Context, input string, opts Options) (*inventory.Inventory, []string, string, error) {
	inv, notes, err := scanImage(ctx, input, opts)
	return inv, notes, s.Name(), err
}

// documentSource reads a document (an SBOM, a package database, a
// results log) with the reader that recognises it: any input no other
// source took.
type documentSource struct{}

func (documentSource) Name() string                { return "document" }
func (documentSource) Accepts(string, string) bool { return true }
func (documentSource) Scan(ctx context.Context, input string, opts Options) (*inventory.Inventory, []string, string, error) {
	inv, reader, err := readInput(ctx, input, opts.Reader, opts.Limits)
	return inv, nil, reader, err
}
