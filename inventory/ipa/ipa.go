package ipa

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/embargo-dev/embargo/internal/plist"
	"github.com/embargo-dev/embargo/inventory"
)

// archive is one IPA being read.
type archive struct {
	ctx      context.Context
	name     string // the input as named
	lim      inventory.Limits
	files    map[string]*zip.File
	unknowns []inventory.Unknown
}

func (a *archive) fail(ref, name, reason string) {
	a.unknowns = append(a.unknowns, inventory.Unknown{Location: inventory.Location{Source: a.name, Ref: ref}, Name: name, Reason: reason})
}

// readIPA reads the IPA named name, of size bytes: an item for each app
// directly in Payload/. Its items' path is filePath.
func readIPA(ctx context.Context, name string, ra io.ReaderAt, size int64, lim inventory.Limits, filePath string) ([]inventory.Item, []inventory.Unknown, error) {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return nil, nil, &inventory.InputError{Source: name, Offset: -1, Err: fmt.Errorf("not a readable ZIP archive: %w", err)}
	}
	a := &archive{ctx: ctx, name: name, lim: lim, files: make(map[string]*zip.File, len(zr.File))}
	var apps []string
	for i, zf := range zr.File {
		if i%1024 == 1023 {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
		}
		if _, dup := a.files[zf.Name]; dup {
			a.fail(zf.Name, "", "a second entry of this name; the first was read")
			continue
		}
		a.files[zf.Name] = zf
		if dir, ok := strings.CutSuffix(zf.Name, "/Info.plist"); ok && isApp(dir) {
			apps = append(apps, dir)
		}
	}
	if len(apps) == 0 {
		return nil, nil, &inventory.InputError{Source: name, Offset: -1, Err: errors.New("no Payload/<name>.app/Info.plist entry: not an IPA")}
	}
	var items []inventory.Item
	read := 0
	for _, dir := range apps {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		it, ok := a.app(dir, filePath)
		if !ok {
			continue
		}
		read++
		if reason := inventory.CheckItem(&it, lim); reason != "" {
			a.unknowns = append(a.unknowns, inventory.Unknown{Location: it.Location, Name: inventory.Clip(it.Name), Reason: reason})
			continue
		}
		if len(items) >= lim.MaxItems {
			return nil, nil, &inventory.InputError{Source: name, Offset: -1, Err: fmt.Errorf("more than %d apps (the item limit)", lim.MaxItems)}
		}
		it.Index = len(items)
		it.SetID()
		items = append(items, it)
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	if read == 0 {
		why := a.unknowns[len(a.unknowns)-1] // the last app's Info.plist
		return nil, nil, &inventory.InputError{Source: name, Offset: -1, Err: fmt.Errorf("no app could be read (%s: %s)", why.Location.Ref, why.Reason)}
	}
	return items, a.unknowns, nil
}

// isApp reports whether dir is an app bundle directly in Payload/.
func isApp(dir string) bool {
	rest, ok := strings.CutPrefix(dir, "Payload/")
	return ok && strings.HasSuffix(rest, ".app") && len(rest) > len(".app") && !strings.Contains(rest, "/")
}

// entry reads a ZIP entry of at most max bytes.
func (a *archive) entry(p string, max int64) ([]byte, error) {
	zf := a.files[p]
	max = min(max, a.lim.MaxBytes)
	if zf.UncompressedSize64 > uint64(max) {
		return nil, fmt.Errorf("%d bytes, over the %d-byte limit", zf.UncompressedSize64, max)
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return inventory.ReadAll(rc, max)
}

// info reads an app's Info.plist.
func (a *archive) info(dir string) (bundleInfo, bool) {
	var info bundleInfo
	ref := dir + "/Info.plist"
	data, err := a.entry(ref, plist.MaxSize)
	if err != nil {
		a.fail(ref, path.Base(dir), "Info.plist unreadable: "+err.Error())
		return info, false
	}
	if err := plist.Decode(ref, data, &info, a.lim); err != nil {
		a.fail(ref, path.Base(dir), "Info.plist malformed: "+err.Error())
		return info, false
	}
	return info, true
}

// profile reads an app's embedded.mobileprovision, if it has one.
func (a *archive) profile(dir string) (profile, bool) {
	ref := dir + "/embedded.mobileprovision"
	if a.files[ref] == nil {
		return profile{}, false
	}
	data, err := a.entry(ref, maxProfile)
	if err == nil {
		var p profile
		if p, err = readProfile(ref, data, a.lim); err == nil {
			return p, true
		}
	}
	a.fail(ref, "", "provisioning profile unreadable: "+err.Error())
	return profile{}, false
}

// signature reads the code signature of an app's main executable. It
// returns what it says of the signature for the item's status, and
// whether a signature was read.
func (a *archive) signature(dir, exe string) (codeSignature, string, bool) {
	if exe == "" || strings.Contains(exe, "/") {
		return codeSignature{}, "no main executable named (CFBundleExecutable)", false
	}
	ref := dir + "/" + exe
	zf := a.files[ref]
	if zf == nil {
		return codeSignature{}, "main executable absent", false
	}
	if zf.UncompressedSize64 > uint64(a.lim.MaxBytes) {
		a.fail(ref, exe, fmt.Sprintf("main executable of %d bytes, over the size limit; its code signature was not read", zf.UncompressedSize64))
		return codeSignature{}, "main executable not read", false
	}
	rc, err := zf.Open()
	if err != nil {
		a.fail(ref, exe, "main executable unreadable: "+err.Error())
		return codeSignature{}, "main executable not read", false
	}
	defer rc.Close()
	depth := a.lim.MaxDepth
	if depth <= 0 {
		depth = inventory.DefaultLimits.MaxDepth
	}
	cs, err := readCodeSignature(ctxReader{a.ctx, rc}, int64(zf.UncompressedSize64), depth)
	switch {
	case errors.Is(err, errUnsigned):
		return cs, "main executable unsigned", false
	case err != nil:
		a.fail(ref, exe, "code signature unreadable: "+err.Error())
		return cs, "code signature unreadable", false
	case cs.adHoc:
		return cs, "code signature ad hoc (no certificate)", true
	case cs.cdTeam == "":
		return cs, "code signature names no team", true
	case cs.certTeam != cs.cdTeam:
		return cs, fmt.Sprintf("code signature's certificate (team %q) does not back its Team ID %q", cs.certTeam, cs.cdTeam), true
	}
	return cs, "code signature's certificate backs its Team ID", true
}

// ctxReader stops reading when the context is done: reaching the code
// signature at the end of a large executable decompresses all of it.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
