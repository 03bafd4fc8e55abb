package pe

import (
	"errors"
	"fmt"
	"path"

	"github.com/embargo-dev/embargo/inventory"
)

// item turns what a PE file says into an inventory item, and its problems
// and failed signatures into unknowns: a signature that does not match
// its file is flagged in the output, not only noted on the item.
func (c *Collector) item(t *inventory.Target, p string, f *File) (inventory.Item, []inventory.Unknown) {
	loc := inventory.Location{Source: t.Display(p), Host: t.Host, Reader: c.Name()}
	it := inventory.Item{Type: inventory.Application, Ecosystem: "windows", Location: loc}
	if f.EFI {
		it.Ecosystem = "efi"
	}
	if v := f.Version; v != nil {
		it.Name = first(v.Get("ProductName"), v.Get("FileDescription"))
		it.Version = first(v.Get("ProductVersion"), v.Get("FileVersion"), v.ProductVersion, v.FileVersion)
		for _, s := range v.All("CompanyName") {
			it.Add(inventory.Publisher, s)
		}
	}
	if it.Name == "" {
		it.Name = path.Base(p)
	}
	it.Add(inventory.Path, "/"+p)
	if v := f.Version; v != nil {
		it.Add(inventory.OriginalFilename, v.Get("OriginalFilename"))
		it.Add(inventory.FileDescription, v.Get("FileDescription"))
	}
	var unknowns []inventory.Unknown
	for _, err := range f.Problems {
		u := inventory.Unknown{Location: loc, Name: inventory.Clip(it.Name), Reason: err.Error()}
		// The unknown names the file already: keep the position and the
		// problem.
		var ie *inventory.InputError
		if errors.As(err, &ie) && ie.Offset >= 0 {
			u.Location.Offset, u.Reason = ie.Offset, fmt.Sprintf("byte %d: %v", ie.Offset, ie.Err)
		}
		unknowns = append(unknowns, u)
	}
	switch {
	case len(f.Signatures) > 0:
	case f.Signed: // the problems say why
		it.Add(inventory.SignatureStatus, string(StatusUnreadable))
	case c.catalogStore(t):
		it.Add(inventory.SignatureStatus, string(StatusCatalog))
	default:
		it.Add(inventory.SignatureStatus, string(StatusUnsigned))
	}
	for _, s := range f.Signatures {
		it.Add(inventory.Signer, s.Subject)
		it.Add(inventory.SignerIssuer, s.Issuer)
		it.Add(inventory.SignerSerial, s.Serial)
		it.Add(inventory.SignerValidity, validity(s))
		it.Add(inventory.SignatureStatus, string(s.Status))
		if s.Status != StatusValid {
			who := s.Subject
			if who == "" {
				who = "an unknown signer"
			}
			u := loc
			u.Offset = s.Offset
			unknowns = append(unknowns, inventory.Unknown{Location: u, Name: inventory.Clip(it.Name),
				Reason: "Authenticode signature by " + who + ": " + string(s.Status) + ": " + s.Reason})
		}
	}
	return it, unknowns
}

func first(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
