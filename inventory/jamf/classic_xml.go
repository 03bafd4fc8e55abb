package jamf

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/internal/jsonwalk"
)

// readClassicXML reads the records of an XML document, or of several
// concatenated, or of a <mobile_devices> list, into b.
func readClassicXML(ctx context.Context, b *builder, in io.Reader) error {
	dec := xml.NewDecoder(in)
	dec.CharsetReader = charsetReader
	x := &xmlWalker{dec: dec, b: b, ctx: ctx}
	records, lists := 0, 0
	for {
		tok, err := x.token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "mobile_device":
				records++
				err = x.record(fmt.Sprintf("mobile_device[%d]", records))
			case "mobile_devices":
				lists++
				ref := "mobile_devices"
				if lists > 1 {
					ref += fmt.Sprintf("[%d]", lists)
				}
				var n int
				n, err = x.list(ref)
				records += n
			default:
				err = x.fail(fmt.Errorf("<%s> is not a Jamf mobile device record", t.Name.Local))
			}
			if err != nil {
				return err
			}
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return x.fail(errors.New("text outside the records"))
			}
		}
	}
	if records == 0 {
		return &inventory.InputError{Source: b.source, Offset: 0, Err: errors.New("no <mobile_device> record")}
	}
	return nil
}

// list reads a <mobile_devices> element: its <mobile_device> records, full
// or summary. It returns how many it read.
func (x *xmlWalker) list(ref string) (int, error) {
	n, depth := 0, x.depth
	for {
		tok, err := x.token()
		if err != nil {
			return n, x.fail(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "mobile_device" {
				n++
				err = x.record(fmt.Sprintf("%s/mobile_device[%d]", ref, n))
			} else {
				_, _, err = x.text()
			}
			if err != nil {
				return n, err
			}
		case xml.EndElement:
			if x.depth < depth {
				return n, nil
			}
		}
	}
}

var wantClassic = jsonwalk.Paths(classicFields...)

// record reads the rest of a <mobile_device> record and adds its device
// and apps.
func (x *xmlWalker) record(ref string) error {
	line, _ := x.dec.InputPos()
	rec := newRecord(inventory.Location{Source: x.b.source, Ref: ref, Line: line})
	depth := x.depth
	for {
		tok, err := x.token()
		if err != nil {
			return x.fail(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch n := t.Name.Local; n {
			case "general", "location", "network":
				var m map[string]string
				if m, err = x.leaves(func(k string) bool { return wantClassic[n+"/"+k] }); err == nil {
					for k, v := range m {
						rec.Vals[n+"/"+k] = v
					}
				}
			case "applications":
				err = x.apps(rec, ref+"/applications")
			case "mobile_device_groups":
				err = x.groups(rec)
			default:
				var s string
				var nested bool
				if s, nested, err = x.text(); err == nil && !nested && wantClassic[n] {
					rec.Vals[n] = s
				}
			}
			if err != nil {
				return err
			}
		case xml.EndElement:
			if x.depth < depth {
				return x.b.finish(rec, x.b.classicDevice(rec))
			}
		}
	}
}

// apps reads the rest of an <applications> subset into rec.
func (x *xmlWalker) apps(rec *record, ref string) error {
	rec.listed = true
	line, _ := x.dec.InputPos()
	size, n, depth := "", 0, x.depth
	for {
		tok, err := x.token()
		if err != nil {
			return x.fail(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "application" {
				var s string
				if s, _, err = x.text(); err == nil && t.Name.Local == "size" {
					size = strings.TrimSpace(s)
				}
				if err != nil {
					return err
				}
				continue
			}
			n++
			l, _ := x.dec.InputPos()
			loc := inventory.Location{Source: x.b.source, Ref: fmt.Sprintf("%s/application[%d]", ref, n), Line: l}
			if err := x.b.entry(rec, loc); err != nil {
				return err
			}
			m, err := x.leaves(func(k string) bool { return appFields[k] })
			if err != nil {
				return err
			}
			rec.apps = append(rec.apps, app{name: m["application_name"], version: m["application_version"],
				short: m["application_short_version"], id: m["identifier"], loc: loc})
		case xml.EndElement:
			if x.depth < depth {
				if want, err := strconv.Atoi(size); size != "" && (err != nil || want != n) {
					rec.Note(inventory.Location{Source: x.b.source, Ref: ref, Line: line}, "",
						fmt.Sprintf("applications/size is %q but %d applications are listed", inventory.Clip(size), n))
				}
				return nil
			}
		}
	}
}

var appFields = map[string]bool{"application_name": true, "application_version": true, "application_short_version": true, "identifier": true}

// groups reads the rest of a <mobile_device_groups> subset: the first
// group's name is the device's group when its location names no
// department.
func (x *xmlWalker) groups(rec *record) error {
	depth := x.depth
	for {
		tok, err := x.token()
		if err != nil {
			return x.fail(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "mobile_device_group" {
				if _, _, err := x.text(); err != nil {
					return err
				}
				continue
			}
			m, err := x.leaves(func(k string) bool { return k == "name" })
			if err != nil {
				return err
			}
			if rec.Vals["group"] == "" {
				rec.Vals["group"] = m["name"]
			}
		case xml.EndElement:
			if x.depth < depth {
				return nil
			}
		}
	}
}
