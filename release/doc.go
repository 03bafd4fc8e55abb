// Package release builds Embargo's release artefacts from the repository,
// reproducibly: the same source, toolchain and stamp give byte-identical
// files.
//
//   - static binaries (CGO_ENABLED=0, -trimpath, -buildid=) for each
//     Target, stamped with the version, commit and build date through
//     -ldflags -X main.version, main.commit and main.date;
//   - .deb and .rpm packages made with nFPM used as a library: the binary
//     as /usr/bin/embargo, the systemd units of deploy/systemd, the sample
//     configuration /etc/embargo/embargo.yaml, the maintainer scripts of
//     deploy/package that create the system user embargo, and the
//     copyright notices of everything the binary holds;
//   - an OCI image layout, as a tarball, built with go-containerregistry
//     and no container daemon: one layer holding the static binary, CA
//     certificates and a non-root user, for each Linux architecture;
//   - SHA256SUMS over all of them, in sha256sum(1)'s format.
//
// Every time written into an artefact is the Stamp's Date (the commit's
// time, or SOURCE_DATE_EPOCH), never the clock. The package runs the Go
// toolchain and git; it prints nothing.
package release
