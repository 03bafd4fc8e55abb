//go:build !linux

package scan

import (
	"errors"
	"io/fs"
	"os"
)

var errUntyped = errors.New("typed directory reading is implemented on Linux only")

// readTyped defers to the portable ReadDir off Linux.
func readTyped(*os.File, string, fs.FS, []byte) ([]typedEntry, error) {
	return nil, errUntyped
}

// openChild defers to the target's file system off Linux.
func openChild(*os.File, string, string) (*os.File, error) { return nil, errUntyped }

// statAt defers to the target's file system off Linux.
func statAt(*os.File, string) (fs.FileInfo, bool) { return nil, false }
