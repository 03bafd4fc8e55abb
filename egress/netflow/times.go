package netflow

import "time"

// latest is the last time accepted from an exporter; later ones (and
// ones before 1970) are taken as garbage, so that a hostile record
// cannot produce a time that later stages fail to format.
var latest = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()

func plausible(ns int64) bool { return ns >= 0 && ns <= latest }

// ntpEpoch is the NTP era 0 epoch (1900) in Unix seconds.
const ntpEpoch = -2208988800

// when returns a record's start or end in Unix ns from the first kind
// present, in the order given (absolute ms, NTP ns, NTP µs, seconds,
// uptime ms, µs before export); the export time when none is present,
// resolvable or plausible.
func (p *packet) when(v *values, ms, ns, us, sec, up, delta kind) int64 {
	t, ok := int64(0), false
	switch {
	case v.has(ms): // zero absolute times mean "not set"
		t, ok = int64(v.u[ms]&(1<<43-1))*1e6, v.u[ms] < 1<<43 && v.u[ms] != 0
	case v.has(ns):
		t, ok = ntp(v.u[ns], false), v.u[ns] != 0
	case v.has(us):
		t, ok = ntp(v.u[us], true), v.u[us] != 0
	case v.has(sec):
		t, ok = int64(v.u[sec])*1e9, v.u[sec] != 0
	case v.has(up) && p.haveUptime:
		t, ok = p.atUptime(uint32(v.u[up])), true
	case v.has(delta):
		t, ok = p.exportNs-int64(v.u[delta])*1e3, true
	}
	if !ok || !plausible(t) {
		return p.exportNs
	}
	return t
}

// ntp converts a 64-bit NTP timestamp (RFC 7011 §6.1.9, .10) to Unix ns.
// Seconds with the top bit clear are in NTP era 1 (from 2036), as RFC
// 5905 advises.
func ntp(u uint64, micro bool) int64 {
	sec, frac := int64(u>>32), u&0xffffffff
	if sec < 1<<31 {
		sec += 1 << 32
	}
	if micro {
		frac &^= 0x7ff // the low 11 bits carry no meaning for microseconds
	}
	return (sec+ntpEpoch)*1e9 + int64((frac*1e9)>>32)
}

// atUptime converts an exporter uptime in ms to Unix ns. The difference
// from the uptime at export, taken as signed 32-bit, survives the uptime
// counter wrapping after 49.7 days and exporters (softflowd reading a
// capture) whose flows started before the exporter did.
func (p *packet) atUptime(up uint32) int64 {
	ago := int64(int32(p.uptime - up))
	return p.exportNs - ago*1e6
}
