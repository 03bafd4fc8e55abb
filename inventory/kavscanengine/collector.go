package kavscanengine

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// Fields this collector records.
const (
	ConfigKSN         inventory.Field = "config.ksn"
	ConfigKSNEvidence inventory.Field = "config.ksn.evidence"
)

// The states of config.ksn.
const (
	Global  = "global"
	Private = "private"
	Off     = "off"
	Unknown = "unknown"
)

// maxConfig bounds a configuration file: the documented ones are a few
// kilobytes.
const maxConfig = 1 << 20

// Collector reads Scan Engine configuration files.
type Collector struct{}

// Name implements inventory.Collector.
func (Collector) Name() string { return "kaspersky-scan-engine" }

// Tags implements inventory.Collector.
func (Collector) Tags() []string { return []string{"linux", "windows", "config", "sharing"} }

// Requirements implements inventory.Collector: files only.
func (Collector) Requirements() inventory.Requirements { return inventory.Requirements{} }

// services are the configuration files' names and the service each
// configures.
var services = map[string]string{"kavicapd.xml": "kavicapd", "kavhttpd.xml": "kavhttpd"}

// Wants implements inventory.Collector: the two files by name, wherever
// the kit was unpacked (etc/ on Linux, bin\ on Windows).
func (Collector) Wants(p string) bool { return services[path.Base(p)] != "" }

// Collect implements inventory.Collector.
func (Collector) Collect(ctx context.Context, t *inventory.Target, f inventory.TargetFile, lim inventory.Limits) ([]inventory.Item, []inventory.Unknown, error) {
	fh, err := t.FS.Open(f.Path)
	if err != nil {
		return nil, nil, err
	}
	defer fh.Close()
	name := path.Base(f.Path)
	st, why := read(name, io.LimitReader(fh, maxConfig+1))
	loc := inventory.Location{Source: t.Display(f.Path), Host: t.Host}
	it := inventory.Item{Type: inventory.Application, Name: "Kaspersky Scan Engine (" + services[name] + ")", Location: loc}
	it.Add(inventory.Service, services[name])
	it.Add(inventory.Path, f.Path)
	it.Add(ConfigKSN, st.value)
	it.Add(ConfigKSNEvidence, name+" "+st.evidence)
	it.SetID()
	var unknowns []inventory.Unknown
	if why != "" {
		unknowns = append(unknowns, inventory.Unknown{Location: loc, Name: it.Name, Reason: why})
	}
	return []inventory.Item{it}, unknowns, nil
}

// setting is what a file says of KSN.
type setting struct{ value, evidence string }

// read decides config.ksn from a file named name; why is set when the
// file could not be read as the service would.
func read(name string, r io.Reader) (setting, string) {
	var doc struct {
		XMLName xml.Name
		KSN     *struct {
			UseKSN *string `xml:"UseKSN"`
		} `xml:"KSNSettings"`
		Server *struct {
			Flags *string `xml:"Flags"`
		} `xml:"ServerSettings"`
	}
	dec := xml.NewDecoder(r)
	if err := dec.Decode(&doc); err != nil {
		line, _ := dec.InputPos()
		if errors.Is(err, io.EOF) {
			return setting{Unknown, "(empty)"}, "the file is empty: whether KSN is used is unknown"
		}
		return setting{Unknown, "(not XML)"}, fmt.Sprintf("line %d: not a Scan Engine configuration (%v): whether KSN is used is unknown", line, err)
	}
	if dec.InputOffset() > maxConfig {
		return setting{Unknown, "(too large)"}, fmt.Sprintf("over %d bytes: whether KSN is used is unknown", maxConfig)
	}
	if doc.XMLName.Local != "Configuration" {
		return setting{Unknown, "(root " + doc.XMLName.Local + ")"}, fmt.Sprintf("the root element is <%s>, not <Configuration>: whether KSN is used is unknown", inventory.Clip(doc.XMLName.Local))
	}
	if name == "kavhttpd.xml" {
		return httpMode(doc.Server)
	}
	switch {
	case doc.KSN == nil:
		return setting{Unknown, "KSNSettings absent (Kaspersky's default: not used)"}, ""
	case doc.KSN.UseKSN == nil:
		return setting{Unknown, "KSNSettings/UseKSN absent"}, "KSNSettings without UseKSN, which the service refuses: whether KSN is used is unknown"
	}
	switch v := strings.TrimSpace(*doc.KSN.UseKSN); v {
	case "1":
		return setting{Global, "KSNSettings/UseKSN=1"}, ""
	case "0":
		return setting{Off, "KSNSettings/UseKSN=0"}, ""
	default:
		return setting{Unknown, "KSNSettings/UseKSN=" + inventory.Clip(v)}, fmt.Sprintf("UseKSN is %q, neither 0 nor 1: whether KSN is used is unknown", inventory.Clip(v))
	}
}

// httpMode reads ServerSettings/Flags of kavhttpd.xml.
func httpMode(s *struct {
	Flags *string `xml:"Flags"`
}) (setting, string) {
	if s == nil || s.Flags == nil {
		return setting{Unknown, "ServerSettings/Flags absent"}, ""
	}
	for _, tok := range strings.Split(*s.Flags, "|") {
		if strings.TrimSpace(tok) == "KAV_SHT_ENGINE_KSN" {
			return setting{Global, "ServerSettings/Flags has KAV_SHT_ENGINE_KSN"}, ""
		}
	}
	return setting{Off, "ServerSettings/Flags without KAV_SHT_ENGINE_KSN"}, ""
}
