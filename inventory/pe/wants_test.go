package pe_test

import (
	"testing"

	embpe "github.com/embargo-dev/embargo/inventory/pe"
)

func TestWants(t *testing.T) {
	tests := []struct {
		path string
		want bool
	}{
		{"Program Files/Kaspersky Lab/avp.exe", true},
		{"Program Files (x86)/Kaspersky Lab/NetworkAgent/klnagent.EXE", true},
		{"PROGRAM FILES (ARM)/x/y.Dll", true},
		{"ProgramData/Kaspersky Lab/x.dll", true},
		{"Users/bob/AppData/Local/Programs/x/app.exe", true},
		{"Users/bob/Downloads/notkas.exe", true},
		{"Documents and Settings/bob/x.exe", true},
		{"Windows/System32/drivers/klif.sys", true},
		{"windows/system32/DRIVERS/klif.SYS", true},
		{"EFI/Microsoft/Boot/bootmgfw.efi", true},
		{"boot/efi/EFI/debian/shimx64.efi", true},
		{"usr/lib/shim/shimx64.efi.signed", true},
		{"usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed", true},
		{"usr/lib/systemd/boot/efi/systemd-bootx64.efi", true},
		// The rest of Windows is left to pe-all.
		{"Windows/System32/kernel32.dll", false},
		{"Windows/WinSxS/x/y.dll", false},
		{"Program Files/Kaspersky Lab/readme.txt", false},
		{"Program Files/Kaspersky Lab/avp.exe.config", false},
		{"Program Filesystem/x.exe", false},
		{"usr/lib/grub/x86_64-efi/normal.mod", false},
		{"home/bob/x.exe", false},
		{".exe", false},
		{"Program Files/.exe", true},
		{"Program Files/ä.exe", true},
	}
	c := &embpe.Collector{}
	all := &embpe.Collector{All: true}
	for _, tc := range tests {
		if got := c.Wants(tc.path); got != tc.want {
			t.Errorf("Wants(%q) = %v, want %v", tc.path, got, tc.want)
		}
		if !all.Wants(tc.path) {
			t.Errorf("pe-all does not want %q", tc.path)
		}
	}
}
