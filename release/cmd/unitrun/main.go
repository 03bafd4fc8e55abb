//go:build linux

// Command unitrun starts a systemd service's ExecStart the way systemd
// would, on a machine where systemd is not PID 1 (a container, a CI
// runner): as the unit's User and Group with their supplementary groups,
// with the unit's environment (Environment=, EnvironmentFile=, the
// *_DIRECTORY variables, HOME, USER, LOGNAME, SHELL and systemd's PATH),
// its WorkingDirectory and UMask, after creating its StateDirectory=,
// CacheDirectory=, LogsDirectory= and RuntimeDirectory= owned by the user,
// under NoNewPrivileges= and CapabilityBoundingSet= (through setpriv(1)).
// Namespace sandboxing (ProtectSystem=, PrivateTmp=, ...) and system-call
// filters are not reproduced: `systemd-analyze verify` and `systemd-analyze
// security --offline` check those. scripts/test-package runs the packaged
// server this way.
//
//	unitrun [-dropin FILE]... [-print] UNIT [ARG...]
//
// ARGs are appended to ExecStart (to run an agent once, say). -print shows
// the command instead of running it.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/embargo-dev/embargo/release/unit"
)

// systemdPath is the PATH systemd gives services (systemd.exec, "Environment
// variables in spawned processes").
const systemdPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"

type dropins []string

func (d *dropins) String() string     { return strings.Join(*d, ",") }
func (d *dropins) Set(s string) error { *d = append(*d, s); return nil }

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "unitrun:", err)
		os.Exit(1)
	}
}

func run() error {
	var ds dropins
	flag.Var(&ds, "dropin", "a drop-in read after the unit (repeatable)")
	print := flag.Bool("print", false, "print the command instead of running it")
	flag.Parse()
	if flag.NArg() < 1 {
		return fmt.Errorf("usage: unitrun [-dropin FILE]... [-print] UNIT [ARG...]")
	}
	u, err := readUnit(flag.Arg(0), ds)
	if err != nil {
		return err
	}
	x, err := u.Exec(os.ReadFile)
	if err != nil {
		return fmt.Errorf("%s: %w", flag.Arg(0), err)
	}
	x.Argv = append(x.Argv, flag.Args()[1:]...)
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		return fmt.Errorf("setpriv (Debian package util-linux): %w", err)
	}
	argv := []string{setpriv}
	env := []string{"PATH=" + systemdPath}
	uid, gid := 0, 0
	if x.User != "" && x.User != "root" {
		usr, err := user.Lookup(x.User)
		if err != nil {
			return fmt.Errorf("setting User=%s: %w", x.User, err)
		}
		grp, err := user.LookupGroup(x.Group)
		if err != nil {
			return fmt.Errorf("setting Group=%s: %w", x.Group, err)
		}
		uid, _ = strconv.Atoi(usr.Uid)
		gid, _ = strconv.Atoi(grp.Gid)
		argv = append(argv, "--reuid="+usr.Uid, "--regid="+grp.Gid, "--init-groups")
		env = append(env, "HOME="+usr.HomeDir, "USER="+x.User, "LOGNAME="+x.User, "SHELL=/usr/sbin/nologin")
	} else {
		env = append(env, "HOME=/root", "USER=root", "LOGNAME=root", "SHELL=/bin/sh")
	}
	if x.NoNewPrivileges {
		argv = append(argv, "--no-new-privs")
	}
	if x.Caps != nil {
		set := "-all"
		for _, c := range x.Caps {
			set += ",+" + c
		}
		argv = append(argv, "--bounding-set="+set, "--inh-caps=-all")
	}
	argv = append(argv, "--")
	argv = append(argv, x.Argv...)
	env = append(env, x.Env...)
	if *print {
		fmt.Printf("cd %s; umask %04o; env -i %s %s\n", x.WorkingDir, x.UMask, strings.Join(env, " "), strings.Join(argv, " "))
		return nil
	}
	for _, d := range x.Dirs {
		if err := os.MkdirAll(d.Path, d.Mode); err != nil {
			return err
		}
		if err := os.Chown(d.Path, uid, gid); err != nil {
			return err
		}
		if err := os.Chmod(d.Path, d.Mode); err != nil {
			return err
		}
	}
	if x.WorkingDir != "" {
		if err := os.Chdir(x.WorkingDir); err != nil {
			return fmt.Errorf("setting WorkingDirectory=%s: %w", x.WorkingDir, err)
		}
	}
	syscall.Umask(int(x.UMask))
	// Later assignments win, as in systemd: keep each variable's last.
	var final []string
	for i, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if !slices.ContainsFunc(env[i+1:], func(o string) bool { return strings.HasPrefix(o, k+"=") }) {
			final = append(final, kv)
		}
	}
	return syscall.Exec(setpriv, argv, final)
}

func readUnit(path string, ds []string) (*unit.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	u, err := unit.Parse(f, path)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		df, err := os.Open(d)
		if err != nil {
			return nil, err
		}
		err = u.Add(df, d)
		df.Close()
		if err != nil {
			return nil, err
		}
	}
	return u, nil
}
