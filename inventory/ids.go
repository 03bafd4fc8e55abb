package inventory

import "strings"

// The identifiers of mobile apps, checked by one rule in each of the
// readers that check them: an app file's own (an APK's manifest, an
// IPA's Info.plist) and a listing of a device's apps (Jamf, Workspace
// ONE, Android Management, Apple MDM, an adb package list). A value that
// fails is not kept as an item's BundleID or AndroidID.

// ValidAndroidPackage reports whether s is an Android package name:
// segments joined by dots, each an ASCII letter followed by ASCII
// letters, digits and underscores ("com.tencent.mm", "a.b_c.d9").
//
// This is the character rule of Android's manifest parser
// (ParsingPackageUtils.validateName) with two differences. A name of one
// segment is accepted: the parser asks an app's package for a dot, but
// the platform's own package is "android", and package lists name it.
// An empty segment (".a", "a..b", "a.") is refused, as each reader
// refused it before they shared this function, though the parser's loop
// does not look for one.
func ValidAndroidPackage(s string) bool {
	if s == "" {
		return false
	}
	for seg := range strings.SplitSeq(s, ".") {
		if seg == "" {
			return false
		}
		for i, c := range []byte(seg) {
			letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
			if !letter && (i == 0 || !(c >= '0' && c <= '9' || c == '_')) {
				return false
			}
		}
	}
	return true
}

// ValidBundleID reports whether s is an Apple bundle identifier
// (CFBundleIdentifier): ASCII letters, digits and hyphens, in segments
// joined by dots, none of them empty ("com.example.notes-lists").
//
// Apple allows only the characters A–Z, a–z, 0–9, '-' and '.', and asks
// for a uniform type identifier in reverse-DNS form, in which no label
// is empty: ".a", "a..b", "a." and "." are not bundle ids. Nothing more
// is asked: a segment may begin with a digit or a hyphen, and one
// segment is enough ("a").
func ValidBundleID(s string) bool {
	if s == "" {
		return false
	}
	for seg := range strings.SplitSeq(s, ".") {
		if seg == "" {
			return false
		}
		for _, c := range []byte(seg) {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// ValidDeviceID reports whether s can be a device manager's id of a
// device, and so part of a host name (DeviceHost): up to 128 ASCII
// letters, digits, dots, underscores and hyphens. Jamf's and Workspace
// ONE's ids are numbers, Workspace ONE's Uuids hexadecimal with hyphens.
func ValidDeviceID(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
