package release

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/release/unit"
)

func readUnit(t *testing.T, name string) *unit.File {
	t.Helper()
	f, err := os.Open(filepath.Join(root, "deploy", "systemd", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	u, err := unit.Parse(f, name)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// The units the packages install: hardened, each flag of their ExecStart
// one the binary has, their directories where the binary looks, accepted
// by systemd-analyze verify with no warning, and sandboxed well enough by
// systemd-analyze security's measure.
func TestUnits(t *testing.T) {
	bin := hostBinary(t)
	hardening := []string{"NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes", "PrivateDevices=yes",
		"ProtectKernelTunables=yes", "ProtectKernelModules=yes", "ProtectControlGroups=yes", "RestrictSUIDSGID=yes",
		"LockPersonality=yes", "MemoryDenyWriteExecute=yes", "SystemCallArchitectures=native"}
	tests := []struct {
		unit, user, start string
		dirs              []string
		caps              []string
		extra             []string
	}{
		{"embargo-server.service", ServiceUser, "/usr/bin/embargo serve --data " + StateDir,
			[]string{"/var/lib/embargo", "/var/cache/embargo", "/var/log/embargo"}, []string{},
			[]string{"ProtectHome=yes", "StateDirectory=embargo", "EnvironmentFile=-/etc/embargo/server.env",
				"Environment=EMBARGO_CACHE_DIR=/var/cache/embargo", "Environment=EMBARGO_DATA_DIR=/var/lib/embargo/feed"}},
		{"embargo-agent.service", "", "/usr/bin/embargo agent --state-dir /var/lib/embargo-agent",
			[]string{"/var/lib/embargo-agent", "/var/cache/embargo-agent"}, []string{"dac_read_search"},
			[]string{"ProtectHome=read-only", "EnvironmentFile=-/etc/embargo/agent.env"}},
	}
	analyze := need(t, "systemd-analyze", "systemd")
	for _, tt := range tests {
		t.Run(tt.unit, func(t *testing.T) {
			u := readUnit(t, tt.unit)
			for _, kv := range append(hardening, tt.extra...) {
				k, v, _ := strings.Cut(kv, "=")
				if !slices.Contains(u.Values("Service", k), v) {
					t.Errorf("%s lacks %s", tt.unit, kv)
				}
			}
			x, err := u.Exec(func(string) ([]byte, error) { return nil, os.ErrNotExist })
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(x.Argv, " "); got != tt.start {
				t.Errorf("ExecStart %q, want %q", got, tt.start)
			}
			if x.User != tt.user || !x.NoNewPrivileges || !slices.Equal(x.Caps, tt.caps) {
				t.Errorf("user %q, no new privileges %v, capabilities %q; want %q, true, %q", x.User, x.NoNewPrivileges, x.Caps, tt.user, tt.caps)
			}
			var dirs []string
			for _, d := range x.Dirs {
				dirs = append(dirs, d.Path)
			}
			if !slices.Equal(dirs, tt.dirs) {
				t.Errorf("directories %q, want %q", dirs, tt.dirs)
			}
			// Every flag the unit passes is one the subcommand has.
			help := runOut(t, bin, x.Argv[1], "--help")
			for _, w := range x.Argv[2:] {
				if strings.HasPrefix(w, "--") && !strings.Contains(help, "  "+w+" ") {
					t.Errorf("ExecStart passes %s, which 'embargo %s --help' does not list", w, x.Argv[1])
				}
			}

			// systemd-analyze verify wants ExecStart's program to exist.
			src, err := os.ReadFile(filepath.Join(root, "deploy", "systemd", tt.unit))
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			path := filepath.Join(dir, tt.unit)
			if err := os.WriteFile(path, []byte(strings.ReplaceAll(string(src), BinPath, bin)), 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := runCombined(analyze, "verify", path); err != nil || strings.TrimSpace(out) != "" {
				t.Errorf("systemd-analyze verify: %v\n%s", err, out)
			}
			if out, err := runCombined(analyze, "security", "--offline=yes", "--threshold=25", path); err != nil {
				t.Errorf("systemd-analyze security: exposure over 2.5: %v\n%s", err, out)
			}
			if tt.unit != "embargo-server.service" {
				return
			}
			// The PDF drop-in, as an administrator installs it.
			if err := os.Mkdir(path+".d", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(path+".d", "pdf.conf"), deployFile(t, "systemd/embargo-server-pdf.conf"), 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := runCombined(analyze, "verify", path); err != nil || strings.TrimSpace(out) != "" {
				t.Errorf("systemd-analyze verify with the PDF drop-in: %v\n%s", err, out)
			}
		})
	}
}
