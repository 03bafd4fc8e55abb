// Command release builds Embargo's release artefacts from the repository
// reproducibly: static binaries, .deb and .rpm packages, an OCI image
// layout and SHA256SUMS (see package release). scripts/release runs it.
//
//	go run ./release/cmd/release -out dist
//	go run ./release/cmd/release -out dist -targets linux/amd64 -formats deb -image=false
//
// The version, commit and date come from git (SOURCE_DATE_EPOCH overrides
// the date); -version, -commit and -date override them.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"time"

	"github.com/embargo-dev/embargo/release"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}

func run() error {
	out := flag.String("out", "dist", "folder the artefacts are written to")
	root := flag.String("root", ".", "the repository's root")
	targets := flag.String("targets", "all", "comma-separated os/arch binaries to build, or all")
	formats := flag.String("formats", "deb,rpm", "comma-separated package formats to make for the linux targets (deb, rpm), or none")
	image := flag.Bool("image", true, "make the OCI image of the linux targets")
	caCerts := flag.String("ca-certs", "/etc/ssl/certs/ca-certificates.crt", "the CA bundle the image carries (Debian's ca-certificates package)")
	maintainer := flag.String("maintainer", "", "the packages' maintainer, \"Name <address>\" (default: the commit's author)")
	version := flag.String("version", "", "the version (default: from git describe)")
	commit := flag.String("commit", "", "the commit (default: HEAD)")
	date := flag.String("date", "", "the build date, RFC 3339 (default: SOURCE_DATE_EPOCH, else the commit's time)")
	flag.Parse()
	if flag.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", flag.Args())
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	stamp, err := release.StampFromGit(ctx, *root)
	if err != nil && (*version == "" || *commit == "" || *date == "") {
		return err
	}
	if *version != "" {
		stamp.Version = strings.TrimPrefix(*version, "v")
	}
	if *commit != "" {
		stamp.Commit = *commit
	}
	if *date != "" {
		if stamp.Date, err = time.Parse(time.RFC3339, *date); err != nil {
			return fmt.Errorf("-date: %w", err)
		}
		stamp.Date = stamp.Date.UTC()
	}
	o := release.Options{Root: *root, Out: *out, Stamp: stamp, Maintainer: *maintainer,
		Progress: func(s string) { fmt.Fprintln(os.Stderr, "==", s) }}
	if o.Maintainer == "" {
		b, err := exec.CommandContext(ctx, "git", "-C", *root, "log", "-1", "--format=%an <%ae>", "HEAD").Output()
		if err != nil {
			return fmt.Errorf("finding the commit's author for -maintainer: %w", err)
		}
		o.Maintainer = strings.TrimSpace(string(b))
	}
	if *targets != "all" {
		for _, s := range strings.Split(*targets, ",") {
			t, err := release.ParseTarget(strings.TrimSpace(s))
			if err != nil {
				return err
			}
			o.Targets = append(o.Targets, t)
		}
	}
	if *formats != "none" && *formats != "" {
		for _, f := range strings.Split(*formats, ",") {
			o.Formats = append(o.Formats, strings.TrimSpace(f))
		}
	}
	if *image {
		o.Image = *caCerts
	}
	fmt.Fprintf(os.Stderr, "== embargo %s, commit %s, dated %s\n", stamp.Version, stamp.Commit, stamp.Date.Format(time.RFC3339))
	names, err := release.Make(ctx, o)
	if err != nil {
		return err
	}
	for _, n := range names {
		fmt.Println(n)
	}
	return nil
}
