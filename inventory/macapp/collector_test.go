package macapp

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/collecttest"
)

func app(source, name, version string, attrs ...inventory.Attr) inventory.Item {
	return inventory.Item{
		Type: inventory.Application, Ecosystem: "macos", Name: name, Version: version,
		Location: inventory.Location{Source: "/mnt/mac/" + source, Host: "mac1", Reader: "macapp"}, Attrs: attrs,
	}
}

func attr(f inventory.Field, v string) inventory.Attr { return inventory.Attr{Field: f, Value: v} }

// xmlDict is a minimal Info.plist with the given keys and string values.
func xmlDict(kv ...string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>`)
	for i := 0; i+1 < len(kv); i += 2 {
		fmt.Fprintf(&b, "<key>%s</key>%s", kv[i], kv[i+1])
	}
	b.WriteString("</dict></plist>\n")
	return []byte(b.String())
}

func s(v string) string { return "<string>" + v + "</string>" }

func TestInfoPlist(t *testing.T) {
	xml := testdata(t, "Info.plist")
	editor := func(source string) inventory.Item {
		return app(source, "Example Editor", "2.4.1",
			attr(inventory.BundleID, "com.example.editor"),
			attr(inventory.Path, "/Applications/Example Editor.app"),
			attr(inventory.Path, "/Applications/Example Editor.app/Contents/MacOS/ExampleEditor"))
	}
	kav := xmlDict("CFBundleIdentifier", s("com.kaspersky.kav"), "CFBundleName", s("Kaspersky Anti-Virus"),
		"CFBundleVersion", s("21.0.18.1"), "CFBundleExecutable", s("Kaspersky Anti-Virus"))
	tests := []struct {
		name  string
		files map[string][]byte
		want  []inventory.Item
	}{
		{"XML", map[string][]byte{"Applications/Example Editor.app/Contents/Info.plist": xml},
			[]inventory.Item{editor("Applications/Example Editor.app/Contents/Info.plist")}},
		{"binary from plistutil", map[string][]byte{"Applications/Example Editor.app/Contents/Info.plist": plistutil(t, xml)},
			[]inventory.Item{editor("Applications/Example Editor.app/Contents/Info.plist")}},
		{"OpenStep text", map[string][]byte{"Applications/Old.app/Contents/Info.plist": []byte(
			`{ CFBundleIdentifier = "org.example.old"; /* a comment } */ CFBundleName = Old; CFBundleVersion = "1.0"; }`)},
			[]inventory.Item{app("Applications/Old.app/Contents/Info.plist", "Old", "1.0",
				attr(inventory.BundleID, "org.example.old"), attr(inventory.Path, "/Applications/Old.app"))}},
		{"user's Applications, CFBundleName, CFBundleVersion", map[string][]byte{
			"Users/anna/Applications/Kaspersky Anti-Virus.app/Contents/Info.plist": kav},
			[]inventory.Item{app("Users/anna/Applications/Kaspersky Anti-Virus.app/Contents/Info.plist", "Kaspersky Anti-Virus", "21.0.18.1",
				attr(inventory.BundleID, "com.kaspersky.kav"),
				attr(inventory.Path, "/Users/anna/Applications/Kaspersky Anti-Virus.app"),
				attr(inventory.Path, "/Users/anna/Applications/Kaspersky Anti-Virus.app/Contents/MacOS/Kaspersky Anti-Virus"))}},
		{"bundle inside a bundle; no name falls back to the folder", map[string][]byte{
			"Applications/A.app/Contents/Library/LoginItems/Helper.app/Contents/Info.plist": xmlDict("CFBundleIdentifier", s("com.example.a.helper"))},
			[]inventory.Item{app("Applications/A.app/Contents/Library/LoginItems/Helper.app/Contents/Info.plist", "Helper", "",
				attr(inventory.BundleID, "com.example.a.helper"),
				attr(inventory.Path, "/Applications/A.app/Contents/Library/LoginItems/Helper.app"))}},
		{"values of the wrong type are left out, not fatal", map[string][]byte{
			"Applications/W.app/Contents/Info.plist": xmlDict("CFBundleIdentifier", "<integer>7</integer>", "CFBundleName", s("W"),
				"CFBundleShortVersionString", "<array/>", "CFBundleVersion", s("3"), "CFBundleExecutable", s("../../evil"))},
			[]inventory.Item{app("Applications/W.app/Contents/Info.plist", "W", "3", attr(inventory.Path, "/Applications/W.app"))}},
		{"an empty file is an empty text dictionary: the folder names the bundle", map[string][]byte{
			"Applications/Empty.app/Contents/Info.plist": nil},
			[]inventory.Item{app("Applications/Empty.app/Contents/Info.plist", "Empty", "", attr(inventory.Path, "/Applications/Empty.app"))}},
		{"not wanted: a framework's Info.plist, a stray one", map[string][]byte{
			"Library/Frameworks/X.framework/Resources/Info.plist": xml,
			"Applications/Info.plist":                             xml,
			"Applications/X.app/Info.plist":                       xml}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := collect(t, volume(t, tc.files), Collector{})
			if len(res.errs) > 0 || len(res.unknowns) > 0 {
				t.Fatalf("errors %v, unknowns %v", res.errs, res.unknowns)
			}
			if diff := cmp.Diff(collecttest.WithIDs(tc.want), res.items); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLaunchd(t *testing.T) {
	xml := testdata(t, "com.example.agent.plist")
	job := func(source, label, prog string) inventory.Item {
		it := inventory.Item{Type: inventory.Application, Ecosystem: "launchd", Name: label,
			Location: inventory.Location{Source: "/mnt/mac/" + source, Host: "mac1", Reader: "launchd"}}
		it.Add(inventory.BundleID, label)
		it.Add(inventory.Path, prog)
		return it
	}
	klnagent := xmlDict("Label", s("com.kaspersky.klnagent"), "Program", s("/Library/Application Support/Kaspersky Lab/klnagent/klnagent"),
		"ProgramArguments", "<array>"+s("ignored")+"</array>")
	tests := []struct {
		name  string
		files map[string][]byte
		want  []inventory.Item
	}{
		{"daemon, XML", map[string][]byte{"Library/LaunchDaemons/com.example.agent.plist": xml},
			[]inventory.Item{job("Library/LaunchDaemons/com.example.agent.plist", "com.example.agent", "/Library/Application Support/Example/agent")}},
		{"agent, binary from plistutil", map[string][]byte{"Library/LaunchAgents/com.example.agent.plist": plistutil(t, xml)},
			[]inventory.Item{job("Library/LaunchAgents/com.example.agent.plist", "com.example.agent", "/Library/Application Support/Example/agent")}},
		{"user agent; Program wins over ProgramArguments", map[string][]byte{"Users/bob/Library/LaunchAgents/k.plist": klnagent},
			[]inventory.Item{job("Users/bob/Library/LaunchAgents/k.plist", "com.kaspersky.klnagent", "/Library/Application Support/Kaspersky Lab/klnagent/klnagent")}},
		{"system daemon", map[string][]byte{"System/Library/LaunchDaemons/com.apple.x.plist": xmlDict("Label", s("com.apple.x"))},
			[]inventory.Item{job("System/Library/LaunchDaemons/com.apple.x.plist", "com.apple.x", "")}},
		{"not wanted: deeper, elsewhere, not .plist", map[string][]byte{
			"Library/LaunchDaemons/sub/a.plist":           xml,
			"Users/bob/Library/LaunchDaemons/a.plist":     xml,
			"Users/Library/LaunchAgents/a.plist":          xml,
			"opt/Library/LaunchAgents/a.plist":            xml,
			"Library/LaunchAgents/a.plist.disabled":       xml,
			"Users/bob/x/Library/LaunchAgents/a.plist":    xml,
			"Library/Preferences/com.example.agent.plist": xml}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := collect(t, volume(t, tc.files), Launchd{})
			if len(res.errs) > 0 || len(res.unknowns) > 0 {
				t.Fatalf("errors %v, unknowns %v", res.errs, res.unknowns)
			}
			if diff := cmp.Diff(collecttest.WithIDs(tc.want), res.items); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLaunchdWithoutLabelIsUnknown(t *testing.T) {
	res := collect(t, volume(t, map[string][]byte{"Library/LaunchDaemons/x.plist": xmlDict("RunAtLoad", "<true/>")}), Launchd{})
	if len(res.items) != 0 || len(res.unknowns) != 1 || !strings.Contains(res.unknowns[0].Reason, "no name") {
		t.Errorf("items %v, unknowns %v", res.items, res.unknowns)
	}
}
