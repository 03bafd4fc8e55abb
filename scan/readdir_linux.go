package scan

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"runtime"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// errUntyped sends a folder to the portable ReadDir.
var errUntyped = errors.New("directory entries carry no type")

// readTyped reads a folder's entries with getdents64, taking each entry's
// type from the record (struct linux_dirent64: ino 8 bytes, off 8, reclen
// 2, type 1, then the NUL-terminated name). An entry of unknown type (a
// file system that does not record types) is typed by an lstat. The
// entries and their names are allocated once per folder, not per entry:
// a walk lists hundreds of thousands. buf is the caller's scratch space.
func readTyped(f *os.File, dir string, fsys fs.FS, buf []byte) ([]typedEntry, error) {
	fd := int(f.Fd())
	defer runtime.KeepAlive(f)
	type rec struct {
		start, end int
		typ        fs.FileMode
	}
	var recs []rec
	var names []byte
	finish := func() []typedEntry {
		all := string(names)
		out := make([]typedEntry, len(recs))
		for i, r := range recs {
			out[i] = typedEntry{fsys: fsys, dir: dir, name: all[r.start:r.end], typ: r.typ, parent: f}
		}
		return out
	}
	for {
		n, err := syscall.ReadDirent(fd, buf)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return finish(), &fs.PathError{Op: "readdirent", Path: f.Name(), Err: err}
		}
		if n <= 0 {
			return finish(), nil
		}
		for b := buf[:n]; len(b) >= 19; {
			reclen := int(binary.NativeEndian.Uint16(b[16:18]))
			if reclen < 19 || reclen > len(b) {
				return nil, errUntyped
			}
			ino := binary.NativeEndian.Uint64(b[0:8])
			dtype := b[18]
			name := b[19:reclen]
			if i := bytes.IndexByte(name, 0); i >= 0 {
				name = name[:i]
			}
			b = b[reclen:]
			if ino == 0 || string(name) == "." || string(name) == ".." {
				continue
			}
			var typ fs.FileMode
			switch dtype {
			case syscall.DT_REG:
			case syscall.DT_DIR:
				typ = fs.ModeDir
			case syscall.DT_LNK:
				typ = fs.ModeSymlink
			case syscall.DT_FIFO:
				typ = fs.ModeNamedPipe
			case syscall.DT_SOCK:
				typ = fs.ModeSocket
			case syscall.DT_CHR:
				typ = fs.ModeDevice | fs.ModeCharDevice
			case syscall.DT_BLK:
				typ = fs.ModeDevice
			default:
				e := typedEntry{fsys: fsys, dir: dir, name: string(name), parent: f}
				fi, err := e.Info()
				if err != nil {
					continue // gone since the listing, as os.ReadDir treats it
				}
				typ = fi.Mode().Type()
			}
			recs = append(recs, rec{len(names), len(names) + len(name), typ})
			names = append(names, name...)
		}
	}
}

// openChild opens the folder base of the open folder parent: one openat
// of a single name, never following a symbolic link.
func openChild(parent *os.File, base, name string) (*os.File, error) {
	if base == "" || base == "." || base == ".." || strings.Contains(base, "/") {
		return nil, errUntyped
	}
	for {
		fd, err := syscall.Openat(int(parent.Fd()), base, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0)
		runtime.KeepAlive(parent)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "openat", Path: name, Err: err}
		}
		return os.NewFile(uintptr(fd), name), nil
	}
}

// statAt is lstat of name in the open folder parent, made as an fstat of
// an O_PATH|O_NOFOLLOW descriptor of the name (Linux has no fstatat in
// the syscall package on every architecture); false when the folder is
// closed or a call fails, and the caller then asks the Root.
func statAt(parent *os.File, name string) (fs.FileInfo, bool) {
	rc, err := parent.SyscallConn()
	if err != nil {
		return nil, false
	}
	fd, oerr := -1, error(nil)
	if err := rc.Control(func(pfd uintptr) {
		for {
			fd, oerr = syscall.Openat(int(pfd), name, unix.O_PATH|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0)
			if oerr != syscall.EINTR {
				return
			}
		}
	}); err != nil || oerr != nil {
		return nil, false
	}
	defer syscall.Close(fd)
	st := &syscall.Stat_t{}
	if err := syscall.Fstat(fd, st); err != nil {
		return nil, false
	}
	return &statInfo{name: name, st: st}, true
}

// statInfo is the fs.FileInfo of a Stat_t, as os builds it on Linux.
type statInfo struct {
	name string
	st   *syscall.Stat_t
}

func (s *statInfo) Name() string       { return s.name }
func (s *statInfo) Size() int64        { return s.st.Size }
func (s *statInfo) IsDir() bool        { return s.Mode().IsDir() }
func (s *statInfo) Sys() any           { return s.st }
func (s *statInfo) ModTime() time.Time { return time.Unix(s.st.Mtim.Unix()) }
func (s *statInfo) Mode() fs.FileMode {
	m := fs.FileMode(s.st.Mode & 0o777)
	switch s.st.Mode & syscall.S_IFMT {
	case syscall.S_IFBLK:
		m |= fs.ModeDevice
	case syscall.S_IFCHR:
		m |= fs.ModeDevice | fs.ModeCharDevice
	case syscall.S_IFDIR:
		m |= fs.ModeDir
	case syscall.S_IFIFO:
		m |= fs.ModeNamedPipe
	case syscall.S_IFLNK:
		m |= fs.ModeSymlink
	case syscall.S_IFSOCK:
		m |= fs.ModeSocket
	}
	if s.st.Mode&syscall.S_ISGID != 0 {
		m |= fs.ModeSetgid
	}
	if s.st.Mode&syscall.S_ISUID != 0 {
		m |= fs.ModeSetuid
	}
	if s.st.Mode&syscall.S_ISVTX != 0 {
		m |= fs.ModeSticky
	}
	return m
}
