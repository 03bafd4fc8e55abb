//go:build windows

package agent

import (
	"context"
	"fmt"

	"golang.org/x/sys/windows/svc"
)

// IsService reports whether this process was started by the Windows
// service manager.
func IsService() (bool, error) { return svc.IsWindowsService() }

// RunService runs Run under the Windows service manager as the service
// name, until the manager asks it to stop or the machine shuts down.
func RunService(name string, cfg Config) error {
	h := &handler{cfg: cfg}
	if err := svc.Run(name, h); err != nil {
		return fmt.Errorf("running as the Windows service %q: %w", name, err)
	}
	return h.err
}

// handler is the service: Run on a goroutine, cancelled on Stop or
// Shutdown.
type handler struct {
	cfg Config
	err error // what Run returned
}

// Execute implements svc.Handler.
func (h *handler) Execute(_ []string, req <-chan svc.ChangeRequest, status chan<- svc.Status) (bool, uint32) {
	status <- svc.Status{State: svc.StartPending}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- Run(ctx, h.cfg) }()
	status <- svc.Status{State: svc.Running, Accepts: svc.AcceptStop | svc.AcceptShutdown}
	for {
		select {
		case err := <-done:
			// Run ended by itself: a permanent failure. A non-zero exit
			// code lets the service manager's recovery actions restart it.
			h.err = err
			status <- svc.Status{State: svc.StopPending}
			if err != nil {
				return false, 1
			}
			return false, 0
		case c := <-req:
			switch c.Cmd {
			case svc.Interrogate:
				status <- c.CurrentStatus
			case svc.Stop, svc.Shutdown:
				status <- svc.Status{State: svc.StopPending}
				cancel()
				h.err = <-done
				return false, 0
			}
		}
	}
}
