package discover

import (
	"fmt"
	"strings"
)

// SNMPConfig says which SNMP credentials to try.
type SNMPConfig struct {
	// CredentialsFile holds v2c communities and v3 users.
	CredentialsFile string
	// Communities are v2c communities given on the command line. Without
	// them or a file, SNMP is not tried.
	Communities []string
	// Warn receives what is worth saying about the credentials (a file
	// every user can read); nil drops it.
	Warn func(string)
}

// proberNames lists every prober, in the order they run.
var proberNames = []string{"snmp", "http", "onvif", "ssdp", "mdns"}

// ProberNames lists the probers for help and messages.
func ProberNames() string { return strings.Join(proberNames, ", ") }

// Probers builds the named probers (all when names is empty), in the
// order they run. SNMP is left out when no credentials are given, unless
// it is named, which is then an error.
func Probers(names []string, snmp SNMPConfig) ([]Prober, error) {
	want := map[string]bool{}
	for _, n := range names {
		known := false
		for _, p := range proberNames {
			known = known || p == n
		}
		if !known {
			return nil, fmt.Errorf("no prober %q: choose from %s", n, ProberNames())
		}
		want[n] = true
	}
	var out []Prober
	for _, n := range proberNames {
		if len(want) > 0 && !want[n] {
			continue
		}
		p, err := newProber(n, snmp, len(want) > 0)
		if err != nil {
			return nil, err
		}
		if p != nil {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no prober to run")
	}
	return out, nil
}

// newProber builds one prober; nil when it cannot run and was not asked
// for by name.
func newProber(name string, snmp SNMPConfig, named bool) (Prober, error) {
	switch name {
	case "snmp":
		creds, err := snmpCredentials(snmp)
		if err != nil {
			return nil, err
		}
		if len(creds) == 0 {
			if named {
				return nil, fmt.Errorf("the snmp prober needs credentials: --snmp-community-file or --snmp-community")
			}
			return nil, nil
		}
		return NewSNMP(creds), nil
	case "http":
		return NewHTTP(), nil
	case "onvif":
		return NewONVIF(), nil
	case "ssdp":
		return NewSSDP(), nil
	case "mdns":
		return NewMDNS(), nil
	}
	return nil, fmt.Errorf("no prober %q", name)
}

// snmpCredentials reads the file's credentials, then the command line's.
func snmpCredentials(c SNMPConfig) ([]Credential, error) {
	var creds []Credential
	if c.CredentialsFile != "" {
		file, warnings, err := LoadCredentials(c.CredentialsFile)
		if err != nil {
			return nil, err
		}
		for _, w := range warnings {
			if c.Warn != nil {
				c.Warn(w)
			}
		}
		creds = file
	}
	if len(c.Communities) > 0 {
		extra, err := Communities("--snmp-community", c.Communities...)
		if err != nil {
			return nil, err
		}
		creds = append(creds, extra...)
	}
	return creds, nil
}
