package browserext

import (
	"strings"
)

// chromiumManifest recognises the manifest of an installed extension in a
// Chromium-family browser profile:
//
//	<user data dir>/<profile>/Extensions/<id>/<version>/manifest.json
//
// (Opera keeps Extensions in the user data dir itself). The browser is
// told from the folders between the user's configuration root (.config,
// AppData/Local or Roaming, Application Support, a snap's or flatpak's
// config) and the profile, never from the user's own folder names.
func chromiumManifest(p string) (browser, id string, ok bool) {
	rest, ok := strings.CutSuffix(p, "/manifest.json")
	if !ok {
		return "", "", false
	}
	rest, _, ok = cutLast(rest) // the version folder
	if !ok {
		return "", "", false
	}
	rest, id, ok = cutLast(rest)
	if !ok || !isExtensionID(id) {
		return "", "", false
	}
	userData, ok := strings.CutSuffix(rest, "/Extensions")
	if !ok {
		return "", "", false
	}
	browser = chromiumBrowser(userData)
	return browser, id, browser != ""
}

// isExtensionID reports whether s is a Chromium extension id: 32 letters
// a to p (a SHA-256 prefix written in that alphabet).
func isExtensionID(s string) bool {
	if len(s) != 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'p' {
			return false
		}
	}
	return true
}

// configRoots are the folders under which browsers keep their user data,
// in each operating system's layout.
var configRoots = []string{"/.config/", "/config/", "/AppData/Local/", "/AppData/Roaming/", "/Application Support/", "/snap/chromium/common/"}

// chromiumBrowsers maps the start of the folders below a config root to
// the browser, most specific first (Edge and Brave before Chrome).
var chromiumBrowsers = []struct{ prefix, browser string }{
	{"microsoft-edge", "edge"}, {"microsoft/edge", "edge"}, {"microsoft edge", "edge"},
	{"bravesoftware/", "brave"},
	{"yandex-browser", "yandex"}, {"yandex/yandexbrowser", "yandex"},
	{"opera", "opera"}, {"com.operasoftware.opera", "opera"},
	{"vivaldi", "vivaldi"},
	{"chromium", "chromium"},
	{"google-chrome", "chrome"}, {"google/chrome", "chrome"},
}

// chromiumBrowser names the browser whose user data (or profile) folder
// is dir, or "".
func chromiumBrowser(dir string) string {
	d := "/" + dir
	at := -1
	var root string
	for _, r := range configRoots {
		if i := strings.LastIndex(d, r); i > at {
			at, root = i, r
		}
	}
	if at < 0 {
		return ""
	}
	below := strings.ToLower(d[at+len(root):])
	for _, b := range chromiumBrowsers {
		if strings.HasPrefix(below, b.prefix) {
			return b.browser
		}
	}
	return ""
}

// firefoxProfile recognises a Firefox profile's extensions.json:
// .mozilla/firefox/<profile>/ (Linux, and inside snap and flatpak homes)
// or Firefox/Profiles/<profile>/ (Windows AppData/Roaming/Mozilla, macOS
// Library/Application Support).
func firefoxProfile(p string) bool {
	rest, ok := strings.CutSuffix(p, "/extensions.json")
	if !ok {
		return false
	}
	rest, profile, ok := cutLast(rest)
	if !ok || profile == "" {
		return false
	}
	return strings.HasSuffix("/"+rest, "/.mozilla/firefox") || strings.HasSuffix("/"+rest, "/Firefox/Profiles")
}

// cutLast splits p at its last slash.
func cutLast(p string) (dir, base string, ok bool) {
	i := strings.LastIndexByte(p, '/')
	if i < 0 {
		return "", "", false
	}
	return p[:i], p[i+1:], true
}
