//go:build !windows

package agent

import "errors"

// IsService reports whether this process was started by the Windows
// service manager: never, off Windows.
func IsService() (bool, error) { return false, nil }

// RunService runs Run under the Windows service manager; off Windows
// there is none (systemd runs `embargo agent` as a plain process, see
// deploy/systemd/embargo-agent.service).
func RunService(name string, cfg Config) error {
	return errors.New("running as a service needs Windows; use deploy/systemd/embargo-agent.service elsewhere")
}
