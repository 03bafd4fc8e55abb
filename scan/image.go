package scan

import (
	"context"
	"fmt"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/image"
)

// imageReader is the name an image tarball input is reported under, and
// the --format value that forces it.
const imageReader = "image"

// isImage reports whether a file input is a container image tarball:
// forced with --format image, or recognised by its first members.
func isImage(input, forced string) bool {
	if input == "-" {
		return false
	}
	if forced != "" {
		return forced == imageReader
	}
	return image.Sniff(input)
}

// scanImage applies the layers of each image of a tarball into a file
// system and walks it with the collectors, as a directory target. A
// tarball of several images gives one inventory whose locations name the
// image: "TARBALL[REF]/path".
func scanImage(ctx context.Context, input string, opts Options) (*inventory.Inventory, []string, error) {
	arc, err := image.Open(input, image.DefaultLimits)
	if err != nil {
		return nil, nil, err
	}
	defer arc.Close()
	var excludes []string
	for _, ex := range opts.Exclude {
		excludes = append(excludes, excludeInImage(input, ex))
	}
	ims := arc.Images()
	inv := &inventory.Inventory{Source: input}
	var notes []string
	files := 0
	for _, im := range ims {
		t := &inventory.Target{Name: input, Image: true}
		if len(ims) > 1 {
			t.Name = input + "[" + im.Label() + "]"
		}
		collectors, cnotes, err := SelectCollectors(t, opts.Select)
		if err != nil {
			return nil, nil, err
		}
		fsys, unknowns, err := arc.Unpack(ctx, im, func(p string) bool { return wanted(collectors, p) })
		if err != nil {
			return nil, nil, err
		}
		t.FS = fsys
		files += fsys.Files
		sub, err := Walk(ctx, t, collectors, WalkOptions{Limits: opts.Limits, Exclude: excludes, Progress: opts.Progress})
		if err != nil {
			return nil, nil, err
		}
		notes = append(notes, cnotes...)
		label := im.Label()
		if im.Ref != "" {
			label += " (" + im.Digest + ")"
		}
		notes = append(notes, fmt.Sprintf("image %s, %s: %d layers, %d files; collectors run: %s",
			label, im.Platform, len(im.Layers), fsys.Files, collectorNames(collectors)))
		inv.Unknowns = append(inv.Unknowns, unknowns...)
		if im.Ref != "" {
			// The image itself, by the reference it was saved under: an
			// image namespace names its publisher.
			it := inventory.Item{Type: inventory.Application, Ecosystem: "oci", Name: im.Ref, Version: im.Digest,
				Location: inventory.Location{Source: input, Ref: "image " + im.Label(), Reader: "image"}}
			it.Add(inventory.Image, im.Ref)
			it.SetID()
			sub.Items = append([]inventory.Item{it}, sub.Items...)
		}
		for _, it := range sub.Items {
			it.Index = len(inv.Items)
			inv.Items = append(inv.Items, it)
		}
		inv.Unknowns = append(inv.Unknowns, sub.Unknowns...)
	}
	inv.Format = fmt.Sprintf("%s (%d images, %d files)", arc.Format(), len(ims), files)
	if len(ims) == 1 {
		inv.Format = fmt.Sprintf("%s (%d layers, %d files)", arc.Format(), len(ims[0].Layers), files)
	}
	return inv, notes, nil
}

// wanted reports whether some collector wants the file: its content is
// then held in memory as a compressed layer is read.
func wanted(collectors []inventory.Collector, p string) bool {
	for _, c := range collectors {
		if c.Wants(p) {
			return true
		}
	}
	return false
}

func collectorNames(cs []inventory.Collector) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name()
	}
	return strings.Join(names, ", ")
}
