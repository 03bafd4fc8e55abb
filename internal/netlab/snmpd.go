//go:build linux

package netlab

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"
)

// SNMP configures a device's real snmpd (Net-SNMP, Debian package
// snmpd) for SNMP v1/v2c read-only access, and SNMPv3 read-only access
// for the Users listed.
type SNMP struct {
	// Community is the read-only community; "public" when empty.
	Community string
	// Users are SNMPv3 USM users with read-only access to the whole tree
	// at their own security level.
	Users []SNMPUser
	// ObjectID is sysObjectID.0, numeric and dotted, such as
	// "1.3.6.1.4.1.39165.1.1" (an arc under the vendor's IANA
	// enterprise number 1.3.6.1.4.1.N).
	ObjectID string
	// Descr, Name, Location and Contact are sysDescr.0, sysName.0,
	// sysLocation.0 and sysContact.0; empty ones are left to snmpd.
	Descr, Name, Location, Contact string
}

// SNMPUser is an SNMPv3 user of the User-based Security Model, written
// as snmpd.conf(5)'s "createUser NAME [AUTH AUTHPASS [PRIV PRIVPASS]]"
// and "rouser NAME noauth|auth|priv". Its security level follows from
// what is set: no AuthProto is noAuthNoPriv, AuthProto alone
// authNoPriv, both authPriv.
type SNMPUser struct {
	Name string
	// AuthProto is MD5, SHA, SHA-224, SHA-256, SHA-384 or SHA-512, as
	// createUser spells them; "" for a user without authentication.
	AuthProto string
	// PrivProto is DES or AES (AES-128, the only AES createUser takes in
	// Net-SNMP 5.9); "" for a user without privacy.
	PrivProto string
	// AuthPass and PrivPass are the pass phrases: 8 to 64 of
	// [A-Za-z0-9_.-] (snmpd.conf(5): "the minimum pass phrase length is
	// 8 characters").
	AuthPass, PrivPass string
}

var (
	numericOID = regexp.MustCompile(`^\.?1(\.[0-9]+)+$`)
	community  = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,32}$`)
	passPhrase = regexp.MustCompile(`^[A-Za-z0-9_.-]{8,64}$`)
	authProtos = []string{"MD5", "SHA", "SHA-224", "SHA-256", "SHA-384", "SHA-512"}
	privProtos = []string{"DES", "AES"}
)

// userConfig writes a user's createUser and rouser lines.
func userConfig(u SNMPUser) (string, error) {
	if !community.MatchString(u.Name) {
		return "", fmt.Errorf("snmp user %q: only [A-Za-z0-9_.-], at most 32", u.Name)
	}
	switch {
	case u.AuthProto == "" && u.PrivProto == "":
		return fmt.Sprintf("createUser %s\nrouser %s noauth\n", u.Name, u.Name), nil
	case !slices.Contains(authProtos, u.AuthProto):
		return "", fmt.Errorf("snmp user %q: authentication protocol %q is not one of %v", u.Name, u.AuthProto, authProtos)
	case !passPhrase.MatchString(u.AuthPass):
		return "", fmt.Errorf("snmp user %q: the authentication pass phrase must be 8-64 of [A-Za-z0-9_.-]", u.Name)
	case u.PrivProto == "":
		return fmt.Sprintf("createUser %s %s %s\nrouser %s auth\n", u.Name, u.AuthProto, u.AuthPass, u.Name), nil
	case !slices.Contains(privProtos, u.PrivProto):
		return "", fmt.Errorf("snmp user %q: privacy protocol %q is not one of %v", u.Name, u.PrivProto, privProtos)
	case !passPhrase.MatchString(u.PrivPass):
		return "", fmt.Errorf("snmp user %q: the privacy pass phrase must be 8-64 of [A-Za-z0-9_.-]", u.Name)
	}
	return fmt.Sprintf("createUser %s %s %s %s %s\nrouser %s priv\n",
		u.Name, u.AuthProto, u.AuthPass, u.PrivProto, u.PrivPass, u.Name), nil
}

// snmpdConfig writes the snmpd.conf(5) text for a device: the directives
// agentaddress, rocommunity, createUser, rouser, sysObjectID, sysDescr,
// sysName, sysLocation and sysContact, as documented in Net-SNMP 5.9's
// snmpd.conf(5). createUser is read from this file too, although the
// manual suggests the persistent file: snmpd then derives the user's
// keys at each start, which is what a lab that lives for one test wants.
func snmpdConfig(addr netip.Addr, s *SNMP) (string, error) {
	comm := s.Community
	if comm == "" {
		comm = "public"
	}
	if !community.MatchString(comm) {
		return "", fmt.Errorf("snmp community %q: only [A-Za-z0-9_.-], at most 32", comm)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "agentaddress udp:%s:161\n", addr)
	fmt.Fprintf(&b, "rocommunity %s %s\n", comm, Subnet)
	for _, u := range s.Users {
		lines, err := userConfig(u)
		if err != nil {
			return "", err
		}
		b.WriteString(lines)
	}
	if s.ObjectID != "" {
		if !numericOID.MatchString(s.ObjectID) {
			return "", fmt.Errorf("sysObjectID %q is not a numeric OID", s.ObjectID)
		}
		fmt.Fprintf(&b, "sysObjectID %s\n", strings.TrimPrefix(s.ObjectID, "."))
	}
	for _, kv := range [][2]string{
		{"sysDescr", s.Descr}, {"sysName", s.Name},
		{"sysLocation", s.Location}, {"sysContact", s.Contact},
	} {
		if kv[1] == "" {
			continue
		}
		if strings.ContainsAny(kv[1], "\r\n\x00") {
			return "", fmt.Errorf("%s must be one line", kv[0])
		}
		fmt.Fprintf(&b, "%s %s\n", kv[0], kv[1])
	}
	return b.String(), nil
}

// startSNMPd runs snmpd in the device's namespace in the foreground,
// waits until it listens on the device's address, and registers its stop.
func (l *Lab) startSNMPd(d *Device, s *SNMP) error {
	if _, err := exec.LookPath("snmpd"); err != nil {
		return errors.New("snmpd is missing: apt-get install snmpd")
	}
	conf, err := snmpdConfig(d.Addr, s)
	if err != nil {
		return err
	}
	dir := filepath.Join(l.dir, d.Name+"-snmpd")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	confPath := filepath.Join(dir, "snmpd.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		return err
	}
	logPath := filepath.Join(dir, "snmpd.log")
	// -f: foreground; -C: no default configuration files; -Lf: log to a
	// file; SNMP_PERSISTENT_DIR keeps its state out of /var/lib/snmp.
	cmd := exec.Command("ip", "netns", "exec", d.Namespace, "snmpd",
		"-f", "-C", "-c", confPath, "-Lf", logPath, "-p", filepath.Join(dir, "snmpd.pid"))
	cmd.Env = append(os.Environ(), "SNMP_PERSISTENT_DIR="+dir, "MIBS=")
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	l.onClose(func() { stopProcess(cmd, exited) })
	want := procNetUDPLocal(d.Addr, 161)
	deadline := time.Now().Add(10 * time.Second)
	for {
		table, _ := os.ReadFile(fmt.Sprintf("/proc/%d/net/udp", cmd.Process.Pid))
		if strings.Contains(string(table), want) {
			return nil
		}
		select {
		case <-exited:
			log, _ := os.ReadFile(logPath)
			return fmt.Errorf("snmpd exited: %s", log)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logPath)
			return fmt.Errorf("snmpd did not listen on %v:161 in 10s: %s", d.Addr, log)
		}
	}
}

// procNetUDPLocal formats an IPv4 address and port the way
// /proc/net/udp prints a local address: the address's four bytes read as
// a native-endian 32-bit number, then the port, both in hex.
func procNetUDPLocal(a netip.Addr, port uint16) string {
	b := a.As4()
	return fmt.Sprintf("%08X:%04X", binary.NativeEndian.Uint32(b[:]), port)
}

// stopProcess ends a process the lab started: SIGTERM, then SIGKILL
// after three seconds.
func stopProcess(cmd *exec.Cmd, exited <-chan struct{}) {
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(3 * time.Second):
		cmd.Process.Kill()
		<-exited
	}
}
