// Package applemdm reads what Apple devices answer an MDM server, as the
// server stores it: the responses to the InstalledApplicationList and
// DeviceInformation commands of Apple's MDM protocol, one response per
// file or an array of them (a server's export), as an XML or binary
// property list; and the same responses wrapped in the JSON webhook
// events that MicroMDM and NanoMDM post (webhook.go).
//
// The keys are Apple's (github.com/apple/device-management,
// mdm/commands/application.installed.list.yaml and
// information.device.yaml; developer.apple.com/documentation/devicemanagement,
// InstalledApplicationListResponse and its ErrorChainItem): a response is
// a dictionary with CommandUUID, Status (Acknowledged, Error,
// CommandFormatError, NotNow, Idle), UDID for a device enrolment or
// EnrollmentID for a User Enrollment, UserID, UserShortName and
// UserLongName on a user channel (the device's user is the short name,
// else the long name, else the id), ErrorChain when the command failed,
// and the command's answer: InstalledApplicationList, an array of apps
// (Identifier, Name, ShortVersion, Version, ...), or QueryResponses, a
// dictionary about the device (DeviceName, OSVersion, ProductName,
// ModelName, SerialNumber, IMEI or ServiceSubscriptions[].IMEI, ...). A
// response does not name the command it answers, so it is known by those
// keys.
//
// Each app becomes an application item identified by its bundle id,
// named by Name, versioned by ShortVersion (else Version), on the host
// DeviceHost("apple-mdm", UDID or EnrollmentID). Each response also gives
// a device record: an app list's with its count of apps, a
// DeviceInformation answer's without apps (Apps -1) but with its name,
// platform, model, OS version, serial number and IMEI; records of one
// device are merged. A User Enrollment is a personal device of which only
// the managed apps are listed (Apple: the command returns only managed
// apps on a User Enrollment). The ecosystem of apps is macos when a
// DeviceInformation answer in the same input says the device is a Mac,
// else ios; a bundle id alone does not tell iOS from macOS, so without
// one the device's platform is left empty. An app the device is still
// downloading (Installing) is listed like the others: it was sent to the
// device.
//
// A response whose device answered Error, CommandFormatError or NotNow
// without a list is an unknown saying what it answered and why
// (ErrorChain); answers to other commands and Idle check-ins are passed
// over; an input with no app list and no device information is an error.
// A binary property list whose containers are shared many times over is
// refused before it is decoded (bplist.go).
package applemdm

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"

	"github.com/embargo-dev/embargo/inventory"
)

// MDM is the manager's name in device records and hosts.
const MDM = "apple-mdm"

// Reader reads Apple MDM command responses.
type Reader struct{}

// Name implements inventory.Reader.
func (Reader) Name() string { return "apple-mdm" }

// markers are the keys that only command responses carry; a property
// list writer sorts a dictionary's keys, so CommandUUID comes first.
var markers = [][]byte{[]byte("InstalledApplicationList"), []byte("QueryResponses"), []byte("CommandUUID")}

// Sniff implements inventory.Reader: a property list (XML or binary)
// whose head holds a key of a command response, or a webhook event.
func (Reader) Sniff(_ string, head []byte) bool {
	h := bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf")
	switch {
	case bytes.HasPrefix(h, []byte("bplist00")):
	case bytes.HasPrefix(h, []byte("<")):
		if !bytes.Contains(h, []byte("<plist")) {
			return false
		}
	case bytes.HasPrefix(h, []byte("{")) || bytes.HasPrefix(h, []byte("[")):
		return sniffWebhook(h)
	default:
		return false
	}
	for _, m := range markers {
		if bytes.Contains(h, m) {
			return true
		}
	}
	return false
}

// Read implements inventory.Reader.
func (Reader) Read(ctx context.Context, name string, in io.Reader, lim inventory.Limits) (*inventory.Inventory, error) {
	data, err := inventory.ReadAll(in, lim.MaxBytes)
	if err != nil {
		return nil, &inventory.InputError{Source: name, Offset: -1, Err: err}
	}
	h := bytes.TrimLeft(data, " \t\r\n\xef\xbb\xbf")
	r := &reading{name: name, lim: lim, inv: &inventory.Inventory{Source: name}}
	if len(h) > 0 && (h[0] == '{' || h[0] == '[') {
		r.inv.Format = "Apple MDM command responses (MicroMDM/NanoMDM webhook JSON)"
		if err := r.webhook(ctx, bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))); err != nil {
			return nil, err
		}
		return r.finish(ctx)
	}
	if len(h) == 0 {
		return nil, &inventory.InputError{Source: name, Offset: 0, Err: errors.New("empty document")}
	}
	r.inv.Format = "Apple MDM command responses (XML property list)"
	if bytes.HasPrefix(h, []byte("bplist")) {
		r.inv.Format = "Apple MDM command responses (binary property list)"
	}
	top, err := decode(name, data, lim)
	if err != nil {
		return nil, locate(data, err)
	}
	if err := r.top(ctx, top, "", 0, ids{}); err != nil {
		return nil, err
	}
	return r.finish(ctx)
}

// locate gives an XML property list that the plist library refused the
// line and column of its first XML syntax error; the library's own
// errors carry no position. Errors that already have one are kept.
func locate(data []byte, err error) error {
	var ie *inventory.InputError
	if !errors.As(err, &ie) || ie.Offset >= 0 || ie.Line > 0 || bytes.HasPrefix(data, []byte("bplist")) {
		return err
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		_, e := d.Token()
		if e == io.EOF {
			return err
		}
		if e != nil {
			ie.Offset = d.InputOffset()
			ie.Line, ie.Column = inventory.LineCol(data, ie.Offset)
			if se, ok := errors.AsType[*xml.SyntaxError](e); ok {
				ie.Line, ie.Column = se.Line, 0
			}
			return ie
		}
	}
}
