package jamf

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"

	"github.com/embargo-dev/embargo/inventory"
)

// ClassicReader reads Classic API mobile device records, XML or JSON.
type ClassicReader struct{}

// Name implements inventory.Reader.
func (ClassicReader) Name() string { return "jamf-classic" }

// Sniff implements inventory.Reader: XML whose first element is
// <mobile_device> or <mobile_devices>, or a JSON object whose first
// member is "mobile_device" or "mobile_devices".
func (ClassicReader) Sniff(_ string, head []byte) bool {
	h := trimHead(head)
	switch {
	case bytes.HasPrefix(h, []byte("<")):
		for bytes.HasPrefix(h, []byte("<?")) || bytes.HasPrefix(h, []byte("<!--")) {
			end := []byte("?>")
			if h[1] == '!' {
				end = []byte("-->")
			}
			i := bytes.Index(h, end)
			if i < 0 {
				return false
			}
			h = trimHead(h[i+len(end):])
		}
		return bytes.HasPrefix(h, []byte("<mobile_device>")) || bytes.HasPrefix(h, []byte("<mobile_devices>"))
	case bytes.HasPrefix(h, []byte("{")):
		h = trimHead(h[1:])
		return bytes.HasPrefix(h, []byte(`"mobile_device"`)) || bytes.HasPrefix(h, []byte(`"mobile_devices"`))
	}
	return false
}

// trimHead drops a byte-order mark and white space.
func trimHead(b []byte) []byte {
	return bytes.TrimLeft(bytes.TrimPrefix(bytes.TrimLeft(b, " \t\r\n"), []byte("\xef\xbb\xbf")), " \t\r\n")
}

// Read implements inventory.Reader.
func (ClassicReader) Read(ctx context.Context, name string, in io.Reader, lim inventory.Limits) (*inventory.Inventory, error) {
	br := bufio.NewReaderSize(inventory.LimitReader(in, lim.MaxBytes), 64<<10)
	first, err := firstByte(br)
	if err != nil {
		return nil, &inventory.InputError{Source: name, Offset: 0, Err: err}
	}
	b := newBuilder(name, lim)
	switch first {
	case '<':
		b.inv.Format = "Jamf Pro Classic API mobile device XML"
		err = readClassicXML(ctx, b, br)
	case '{':
		b.inv.Format = "Jamf Pro Classic API mobile device JSON"
		err = readClassicJSON(ctx, b, br)
	default:
		return nil, &inventory.InputError{Source: name, Offset: 0, Err: errors.New("neither XML nor JSON: not a Jamf Classic API mobile device record")}
	}
	if err != nil {
		return nil, err
	}
	return b.inv, nil
}

// firstByte skips white space and a byte-order mark and returns the first
// byte of the document, unread.
func firstByte(br *bufio.Reader) (byte, error) {
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3)
	}
	for {
		c, err := br.ReadByte()
		if err == io.EOF {
			return 0, errors.New("the input is empty")
		}
		if err != nil {
			return 0, err
		}
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return c, br.UnreadByte()
		}
	}
}

// classicFields are the fields of a Classic API record used: those of a
// full record (general, location, network) and those of a summary record
// of the list endpoint, which has no subsets.
var classicFields = []string{
	"general/id", "general/display_name", "general/device_name", "general/name",
	"general/os_type", "general/os_version", "general/serial_number",
	"general/model", "general/model_display", "general/model_identifier",
	"general/device_ownership_level",
	"location/username", "location/email_address", "location/department",
	"network/imei",
	"id", "name", "device_name", "serial_number", "model", "model_display", "model_identifier", "username",
}

// classicDevice is the device a Classic API record describes. group is
// the name of the first mobile device group the record lists.
func (b *builder) classicDevice(rec *record) inventory.ManagedDevice {
	var d inventory.ManagedDevice
	d.ID = b.pick(rec, "general/id", "id")
	d.Name = b.pick(rec, "general/display_name", "general/device_name", "general/name", "name", "device_name")
	d.Model = b.pick(rec, "general/model", "general/model_display", "model", "model_display")
	d.Platform = platform(b.pick(rec, "general/os_type"), d.Model, b.pick(rec, "general/model_identifier", "model_identifier"))
	d.OSVersion = b.pick(rec, "general/os_version")
	d.Serial = b.pick(rec, "general/serial_number", "serial_number")
	d.IMEI = inventory.NormalIMEI(b.pick(rec, "network/imei"))
	d.Ownership, d.Scope = ownership(b.pick(rec, "general/device_ownership_level"))
	d.User = b.pick(rec, "location/username", "location/email_address", "username")
	d.Group = b.pick(rec, "location/department", "group")
	return d
}
