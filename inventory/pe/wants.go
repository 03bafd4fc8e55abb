package pe

import "strings"

// peSuffixes are the file names the "pe" collector reads; Debian ships
// its signed UEFI binaries as .efi.signed.
var peSuffixes = []string{".exe", ".dll", ".sys", ".efi", ".efi.signed"}

// softwareRoots are the folders, relative to the target and matched
// without regard to case, where installed software lives. A prefix ending
// in "(" matches every folder that starts with it ("Program Files (x86)",
// "Program Files (Arm)").
var softwareRoots = []string{
	"program files/", "program files (",
	"programdata/",
	"users/", "documents and settings/",
	"windows/system32/drivers/",
	"efi/", // a mounted EFI system partition
	"boot/efi/", "usr/lib/shim/", "usr/lib/grub/", "usr/lib/systemd/boot/efi/",
}

// peName reports whether the file name ends in a PE suffix.
func peName(p string) bool {
	for _, s := range peSuffixes {
		if hasSuffixFold(p, s) {
			return true
		}
	}
	return false
}

// underSoftwareRoot reports whether p lies in one of softwareRoots.
func underSoftwareRoot(p string) bool {
	for _, r := range softwareRoots {
		if hasPrefixFold(p, r) {
			return true
		}
	}
	return false
}

// The folds compare ASCII patterns with strings.EqualFold on a slice of
// p; a slice that cuts a multi-byte character cannot equal them.
func hasPrefixFold(p, prefix string) bool {
	return len(p) >= len(prefix) && strings.EqualFold(p[:len(prefix)], prefix)
}

func hasSuffixFold(p, suffix string) bool {
	return len(p) > len(suffix) && strings.EqualFold(p[len(p)-len(suffix):], suffix)
}
