//go:build linux

package netlab

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestUserConfig(t *testing.T) {
	tests := []struct {
		user SNMPUser
		want string // "" when refused
	}{
		{SNMPUser{Name: "watch"}, "createUser watch\nrouser watch noauth\n"},
		{SNMPUser{Name: "audit", AuthProto: "SHA", AuthPass: "authpass1"},
			"createUser audit SHA authpass1\nrouser audit auth\n"},
		{SNMPUser{Name: "ops", AuthProto: "SHA-256", AuthPass: "authpass1", PrivProto: "AES", PrivPass: "privpass1"},
			"createUser ops SHA-256 authpass1 AES privpass1\nrouser ops priv\n"},
		{SNMPUser{Name: "a b", AuthProto: "SHA", AuthPass: "authpass1"}, ""},
		{SNMPUser{Name: "ops", AuthProto: "SHA256", AuthPass: "authpass1"}, ""}, // createUser spells it SHA-256
		{SNMPUser{Name: "ops", AuthProto: "SHA", AuthPass: "short"}, ""},        // under 8 characters
		{SNMPUser{Name: "ops", AuthProto: "SHA", AuthPass: "pass word1"}, ""},   // would split the line
		{SNMPUser{Name: "ops", PrivProto: "AES", PrivPass: "privpass1"}, ""},    // privacy needs authentication
		{SNMPUser{Name: "ops", AuthProto: "SHA", AuthPass: "authpass1", PrivProto: "AES256", PrivPass: "privpass1"}, ""},
		{SNMPUser{Name: "ops", AuthProto: "SHA", AuthPass: "authpass1", PrivProto: "AES", PrivPass: "x\nrwuser"}, ""},
	}
	for _, tt := range tests {
		got, err := userConfig(tt.user)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("%+v: accepted:\n%s", tt.user, got)
		case tt.want != "" && (err != nil || got != tt.want):
			t.Errorf("%+v: got %q, %v; want %q", tt.user, got, err, tt.want)
		}
	}
	conf, err := snmpdConfig(firstDeviceAddr, &SNMP{Community: "ro", Users: []SNMPUser{{Name: "watch"}}})
	if err != nil || !strings.Contains(conf, "rocommunity ro 10.250.0.0/24\ncreateUser watch\nrouser watch noauth\n") {
		t.Errorf("config %q, %v", conf, err)
	}
}

// TestSNMPv3 starts a real snmpd with a user at each security level and
// asks it with Net-SNMP's own snmpget: each user answers at its level
// with its pass phrases, and a wrong pass phrase gets no values.
func TestSNMPv3(t *testing.T) {
	t.Parallel()
	RequireTools(t, "ip", "snmpd", "snmpget")
	lab := New(t)
	spec := HikvisionCamera("v3cam", 7)
	spec.HTTP, spec.ONVIF = nil, nil
	spec.SNMP.Users = []SNMPUser{
		{Name: "watch"},
		{Name: "audit", AuthProto: "SHA", AuthPass: "netlab-auth-1"},
		{Name: "ops", AuthProto: "SHA-256", AuthPass: "netlab-auth-2", PrivProto: "AES", PrivPass: "netlab-priv-2"},
	}
	d := lab.AddDevice(spec)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	const want = ".1.3.6.1.2.1.1.2.0 = OID: .1.3.6.1.4.1.39165.1.1"
	get := func(args ...string) (string, error) {
		argv := append([]string{"snmpget", "-v3", "-On", "-t", "1", "-r", "0"}, args...)
		argv = append(argv, d.Addr.String(), "1.3.6.1.2.1.1.2.0")
		out, err := lab.Run(ctx, Scanner, argv...)
		return string(out), err
	}
	for _, args := range [][]string{
		{"-l", "noAuthNoPriv", "-u", "watch"},
		{"-l", "authNoPriv", "-u", "audit", "-a", "SHA", "-A", "netlab-auth-1"},
		{"-l", "authPriv", "-u", "ops", "-a", "SHA-256", "-A", "netlab-auth-2", "-x", "AES", "-X", "netlab-priv-2"},
	} {
		out, err := get(args...)
		if err != nil || !strings.Contains(out, want) {
			t.Errorf("snmpget %v: %v\n%s", args, err, out)
		}
	}
	for _, args := range [][]string{
		{"-l", "authPriv", "-u", "ops", "-a", "SHA-256", "-A", "wrong-pass-2", "-x", "AES", "-X", "netlab-priv-2"},
		{"-l", "noAuthNoPriv", "-u", "ops"}, // below the user's level
		{"-l", "noAuthNoPriv", "-u", "nobody"},
	} {
		if out, err := get(args...); err == nil || strings.Contains(out, want) {
			t.Errorf("snmpget %v answered:\n%s", args, out)
		}
	}
}
