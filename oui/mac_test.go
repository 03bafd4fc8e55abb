package oui

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseMAC(t *testing.T) {
	want := MAC{0x00, 0x1b, 0xc5, 0x0b, 0x70, 0x0f}
	tests := []struct {
		in   string
		want MAC
		ok   bool
	}{
		{"00:1b:c5:0b:70:0f", want, true},
		{"00:1B:C5:0B:70:0F", want, true},
		{"00-1B-C5-0B-70-0F", want, true},
		{"001b.c50b.700f", want, true},
		{"001BC50B700F", want, true},
		{"  00:1b:c5:0b:70:0f\n", want, true},
		{"0:1b:c5:b:70:f", want, true}, // BSD and macOS arp
		{"ff:ff:ff:ff:ff:ff", MAC{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, true},
		{"", MAC{}, false},
		{"00:1b:c5:0b:70", MAC{}, false},          // five octets
		{"00:1b:c5:0b:70:0f:01", MAC{}, false},    // seven
		{"00:1b:c5:0b:70:0f:01:02", MAC{}, false}, // EUI-64
		{"00:1b-c5:0b:70:0f", MAC{}, false},       // mixed separators
		{"00-1b-c5-0b-70:0f", MAC{}, false},
		{"00:1b:c5:0b:70:0g", MAC{}, false},
		{"00:1b:c5:0b:700:f", MAC{}, false},
		{"00:1b:c5::70:0f", MAC{}, false},
		{"001b.c50b.700", MAC{}, false},
		{"001b:c50b:700f", MAC{}, false},
		{"001BC50B700", MAC{}, false},
		{"001BC50B700FF", MAC{}, false},
		{"+01BC50B700F", MAC{}, false},
		{"00 1b c5 0b 70 0f", MAC{}, false},
		{"10.0.0.1", MAC{}, false},
	}
	for _, tc := range tests {
		got, err := ParseMAC(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseMAC(%q) = %v, %v; want %v, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrMAC) {
			t.Errorf("ParseMAC(%q): error %v does not wrap ErrMAC", tc.in, err)
		}
	}
}

func TestMACString(t *testing.T) {
	m := MAC{0x00, 0x1b, 0xc5, 0x0b, 0x70, 0x0f}
	if diff := cmp.Diff("00:1b:c5:0b:70:0f", m.String()); diff != "" {
		t.Error(diff)
	}
	tests := []struct {
		mac          string
		local, group bool
	}{
		{"44:47:cc:00:00:01", false, false},
		{"02:00:00:00:00:01", true, false}, // locally administered
		{"da:a1:19:00:00:01", true, false}, // a randomised Wi-Fi address
		{"01:00:5e:00:00:fb", false, true}, // IPv4 multicast (mDNS)
		{"33:33:00:00:00:01", true, true},  // IPv6 multicast
		{"ff:ff:ff:ff:ff:ff", true, true},  // broadcast
	}
	for _, tc := range tests {
		m, err := ParseMAC(tc.mac)
		if err != nil {
			t.Fatal(err)
		}
		if m.Local() != tc.local || m.Group() != tc.group {
			t.Errorf("%s: Local %v Group %v, want %v %v", tc.mac, m.Local(), m.Group(), tc.local, tc.group)
		}
	}
}
