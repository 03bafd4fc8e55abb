#!/bin/sh
# Writes the tables of TestLive to testdata/: iproute2's ip and net-tools'
# arp printing the neighbour table of a network namespace the test makes
# (a veth pair, entries added by hand; nothing leaves it). Run as root.
set -eu
cd "$(dirname "$0")/.."
go test -run '^TestLive$' -count=1 . -args -write-fixtures
