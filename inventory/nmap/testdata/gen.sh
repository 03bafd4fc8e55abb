#!/bin/sh
# Writes the real Nmap scans of TestNmapLive to testdata/: nmap (Debian's
# package nmap) scanning the test's own loopback listeners, a camera-like
# HTTPS server, over 127.0.0.1 and ::1. Run as root (-O needs it).
set -eu
cd "$(dirname "$0")/.."
go test -run '^TestNmapLive$' -count=1 . -args -write-fixtures
