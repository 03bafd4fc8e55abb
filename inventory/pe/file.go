package pe

import (
	"errors"
	"fmt"
	"io"

	"github.com/embargo-dev/embargo/inventory"
)

// MaxFileSize bounds the PE files read. The largest real executables
// (game engines, bundled runtimes) stay below it; a larger file is
// refused with the reason rather than hashed.
const MaxFileSize = 512 << 20

// File is what one PE file says about itself.
type File struct {
	EFI        bool         // a UEFI image (subsystem 10-13)
	Version    *VersionInfo // nil when the file has no version resource
	Signatures []Signature  // embedded Authenticode signatures, primary first
	// Signed says the headers name a certificate table, whether or not
	// a signature could be read from it.
	Signed bool
	// Problems are parts that could not be read (the version resource,
	// the certificate table), as *inventory.InputError; the rest of the
	// file is still reported.
	Problems []error
}

// Read decodes the PE file r of size bytes, named name in errors. An
// error means the headers could not be read; IsNotPE tells the error of a
// file that is no PE at all.
func Read(name string, r io.ReaderAt, size int64) (*File, error) {
	if size > MaxFileSize {
		return nil, &inventory.InputError{Source: name, Offset: -1, Err: fmt.Errorf("%w: %d bytes, more than the %d bytes a PE file is read up to; not read", inventory.ErrTooLarge, size, MaxFileSize)}
	}
	h, err := readHeader(name, r, size)
	if err == errNotPE {
		return nil, &inventory.InputError{Source: name, Offset: 0, Err: err}
	}
	if err != nil {
		return nil, err
	}
	f := &File{EFI: h.efi()}
	if f.Version, err = readVersion(name, r, h); err != nil {
		f.Problems = append(f.Problems, err)
	}
	f.Signed = h.hasCertDir && h.certs.VirtualAddress != 0 && h.certs.Size != 0
	if f.Signatures, err = readSignatures(name, r, size, h); err != nil {
		f.Problems = append(f.Problems, err)
	} else if f.Signed && len(f.Signatures) == 0 {
		f.Problems = append(f.Problems, &inventory.InputError{Source: name, Offset: int64(h.certs.VirtualAddress),
			Err: errors.New("certificate table: no Authenticode (PKCS#7) signature in it")})
	}
	return f, nil
}

// IsNotPE reports whether Read failed because the input is not a PE file.
func IsNotPE(err error) bool { return errors.Is(err, errNotPE) }
