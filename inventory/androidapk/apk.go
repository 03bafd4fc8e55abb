package androidapk

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"path"

	"github.com/embargo-dev/embargo/inventory"
)

const (
	manifestName = "AndroidManifest.xml"
	// maxManifest bounds the compiled manifest read; the largest real
	// ones, of apps declaring hundreds of components, are well under a
	// megabyte.
	maxManifest = 8 << 20
	// maxSigFile bounds a JAR signature block file (a few KB), and
	// maxSigFiles how many are read.
	maxSigFile  = 1 << 20
	maxSigFiles = 8
)

// apk is what is read of one APK before it becomes an item.
type apk struct {
	name     string // the input as named
	man      manifest
	haveMan  bool
	v1, v2   certSet
	v3       certSet // v3 and v3.1 signers
	lineage  certSet // proof-of-rotation certificates of the v3 signers
	unknowns []inventory.Unknown
}

// fail records a part of the APK that could not be read; off is the
// byte offset in the file, 0 when none applies.
func (a *apk) fail(ref string, off int64, reason string) {
	a.unknowns = append(a.unknowns, inventory.Unknown{Location: inventory.Location{Source: a.name, Ref: ref, Offset: off}, Reason: reason})
}

// readAPK reads the APK named name, of size bytes. Its item's path is
// filePath (where the file lies on the scanned system, or the input).
func readAPK(ctx context.Context, name string, ra io.ReaderAt, size int64, lim inventory.Limits, filePath string) ([]inventory.Item, []inventory.Unknown, error) {
	inputErr := func(err error) error { return &inventory.InputError{Source: name, Offset: -1, Err: err} }
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return nil, nil, inputErr(fmt.Errorf("not a readable ZIP archive: %w", err))
	}
	a := &apk{name: name}
	var man *zip.File
	var sigs []*zip.File
	for i, zf := range zr.File {
		if i%1024 == 1023 {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
		}
		switch {
		case zf.Name == manifestName && man == nil:
			man = zf
		case zf.Name == manifestName:
			a.fail(manifestName, 0, "a second AndroidManifest.xml entry (Android refuses an APK with duplicate entries); the first was read")
		case isJARSignature(zf.Name) && len(sigs) < maxSigFiles:
			sigs = append(sigs, zf)
		case isJARSignature(zf.Name):
			a.fail(zf.Name, 0, fmt.Sprintf("more than %d JAR signature files; this one was not read", maxSigFiles))
		}
	}
	if man == nil {
		return nil, nil, inputErr(errors.New("no AndroidManifest.xml entry: not an APK"))
	}
	if data, err := readEntry(man, min(maxManifest, lim.MaxBytes)); err != nil {
		a.fail(manifestName, 0, "manifest unreadable: "+err.Error())
	} else if a.man, err = parseManifest(data, ctx.Err); err != nil {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		a.fail(manifestName, 0, "binary manifest malformed: "+err.Error())
	} else {
		a.haveMan = true
	}
	a.readBlock(ra, size)
	for _, zf := range sigs {
		a.readJAR(zf)
	}
	it, ok := a.item(filePath, lim)
	if !ok {
		if len(a.unknowns) > 0 {
			first := a.unknowns[0]
			return nil, nil, inputErr(fmt.Errorf("neither the package nor a signer could be read (%s: %s)", first.Location.Ref, first.Reason))
		}
		return nil, nil, inputErr(errors.New("neither the package nor a signer could be read"))
	}
	if reason := inventory.CheckItem(&it, lim); reason != "" {
		a.unknowns = append(a.unknowns, inventory.Unknown{Location: it.Location, Name: inventory.Clip(it.Name), Reason: reason})
		return nil, a.unknowns, nil
	}
	return []inventory.Item{it}, a.unknowns, nil
}

// readBlock reads the signers of the APK Signing Block's v2, v3 and
// v3.1 blocks.
func (a *apk) readBlock(ra io.ReaderAt, size int64) {
	cd, err := centralDirectory(ra, size)
	if err != nil {
		a.fail("APK Signing Block", 0, "central directory not found: "+err.Error())
		return
	}
	pairs, at, err := signingBlock(ra, cd)
	switch {
	case errors.Is(err, errNoBlock):
		return
	case err != nil:
		a.fail("APK Signing Block", at, err.Error())
		return
	}
	for _, s := range []struct {
		id    uint32
		label string
		set   *certSet
	}{{idV31, "v3.1", &a.v3}, {idV3, "v3", &a.v3}, {idV2, "v2", &a.v2}} {
		block, ok := pairs[s.id]
		if !ok {
			continue
		}
		ref := "APK Signing Block " + s.label
		signers, err := parseScheme(block, s.id != idV2)
		if err != nil {
			a.fail(ref, at, fmt.Sprintf("APK Signature Scheme %s block malformed: %v", s.label, err))
			continue
		}
		for _, sg := range signers {
			c, err := parseCert(sg.cert)
			if err != nil {
				a.fail(ref, at, "signer certificate unreadable: "+err.Error())
				continue
			}
			s.set.add(c)
			for _, der := range sg.lineage {
				if lc, err := parseCert(der); err == nil {
					a.lineage.add(lc)
				} else {
					a.fail(ref, at, "proof-of-rotation certificate unreadable: "+err.Error())
				}
			}
		}
	}
}

// readJAR reads the signers of one JAR signature block file.
func (a *apk) readJAR(zf *zip.File) {
	data, err := readEntry(zf, maxSigFile)
	if err != nil {
		a.fail(zf.Name, 0, "JAR signature unreadable: "+err.Error())
		return
	}
	certs, err := jarSigners(data)
	if err != nil {
		a.fail(zf.Name, 0, "JAR signature malformed: "+err.Error())
		return
	}
	for _, c := range certs {
		a.v1.add(c)
	}
}

// readEntry reads a ZIP entry of at most max bytes.
func readEntry(zf *zip.File, max int64) ([]byte, error) {
	if zf.UncompressedSize64 > uint64(max) {
		return nil, fmt.Errorf("%s: %d bytes, over the %d-byte limit", path.Base(zf.Name), zf.UncompressedSize64, max)
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return inventory.ReadAll(rc, max)
}
