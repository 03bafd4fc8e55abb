//go:build linux

package netlab

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// netnsDir is where ip-netns(8) keeps the named namespaces.
const netnsDir = "/var/run/netns"

// inNetns runs fn on a fresh goroutine locked to an OS thread that has
// entered the named network namespace, and waits for it. Sockets that fn
// creates belong to that namespace for their whole life. If the thread
// cannot be put back into its own namespace it stays locked, and the Go
// runtime ends the thread with the goroutine, so no other goroutine ever
// runs in the wrong namespace.
func inNetns(name string, fn func() error) error {
	target, err := unix.Open(filepath.Join(netnsDir, name), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("netlab: opening namespace %s: %w", name, err)
	}
	defer unix.Close(target)
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("netlab: own namespace: %w", err)
			return
		}
		defer unix.Close(orig)
		if err := unix.Setns(target, unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("netlab: entering %s: %w", name, err)
			return
		}
		ferr := fn()
		if err := unix.Setns(orig, unix.CLONE_NEWNET); err != nil {
			errc <- errors.Join(ferr, fmt.Errorf("netlab: leaving %s: %w", name, err))
			return // still locked: the thread exits with this goroutine
		}
		runtime.UnlockOSThread()
		errc <- ferr
	}()
	return <-errc
}

// Do runs fn on an OS thread inside the role's namespace. fn should only
// create sockets or read per-namespace files; goroutines it starts run
// elsewhere.
func (l *Lab) Do(role string, fn func() error) error {
	name, err := l.nsName(role)
	if err != nil {
		return err
	}
	return inNetns(name, fn)
}

// DialContext dials address from inside the role's namespace; address
// must be an IP literal and port (no name resolution is done in a lab).
func (l *Lab) DialContext(ctx context.Context, role, network, address string) (net.Conn, error) {
	var c net.Conn
	err := l.Do(role, func() error {
		var d net.Dialer
		var err error
		c, err = d.DialContext(ctx, network, address)
		return err
	})
	return c, err
}

// ListenPacket opens a datagram socket inside the role's namespace.
func (l *Lab) ListenPacket(role, network, address string) (net.PacketConn, error) {
	var c net.PacketConn
	err := l.Do(role, func() error {
		var err error
		c, err = net.ListenPacket(network, address)
		return err
	})
	return c, err
}

// HTTPClient returns a client whose connections start in the role's
// namespace. It accepts any server certificate (the lab's are
// self-signed; read them from the response's TLS state), uses no proxy
// and gives up after 10 seconds.
func (l *Lab) HTTPClient(role string) *http.Client {
	return &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				return l.DialContext(ctx, role, network, addr)
			},
			TLSClientConfig:   &tls.Config{InsecureSkipVerify: true},
			DisableKeepAlives: true,
		},
	}
}

// Command returns argv prepared to run inside the role's namespace with
// "ip netns exec" (the command replaces ip, so the process is argv[0]).
func (l *Lab) Command(ctx context.Context, role string, argv ...string) (*exec.Cmd, error) {
	name, err := l.nsName(role)
	if err != nil {
		return nil, err
	}
	if len(argv) == 0 {
		return nil, errors.New("netlab: no command")
	}
	return exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", name}, argv...)...), nil
}

// Run runs argv inside the role's namespace and returns its standard
// output; a failure's error carries its standard error.
func (l *Lab) Run(ctx context.Context, role string, argv ...string) ([]byte, error) {
	cmd, err := l.Command(ctx, role, argv...)
	if err != nil {
		return nil, err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("%s in %s: %v: %s", strings.Join(argv, " "), role, err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}
