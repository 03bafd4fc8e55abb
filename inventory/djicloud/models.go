package djicloud

import (
	"strconv"
	"strings"
)

// models names DJI's products by their Cloud API model key,
// "domain-type-sub_type". testdata/SOURCES.md gives the source of each.
var models = map[string]string{
	// DJI's Cloud API product-support page (documentation 1.11.3).
	"0-60-0":  "Matrice 300 RTK",
	"0-67-0":  "Matrice 30",
	"0-67-1":  "Matrice 30T",
	"0-77-0":  "Mavic 3E",
	"0-77-1":  "Mavic 3T",
	"0-89-0":  "Matrice 350 RTK",
	"0-91-0":  "Matrice 3D",
	"0-91-1":  "Matrice 3TD",
	"2-56-0":  "DJI Smart Controller Enterprise",
	"2-119-0": "DJI RC Plus",
	"2-144-0": "DJI RC Pro Enterprise",
	"3-1-0":   "DJI Dock",
	"3-2-0":   "DJI Dock 2",
	// DJI's Cloud API demo server (DeviceEnum M3M).
	"0-77-2": "Mavic 3M",
	// Models DJI's release notes name, whose values come from saved
	// FlightHub 2 responses and from enumerations quoting DJI's page.
	"0-77-3":  "Mavic 3TA",
	"0-99-0":  "Matrice 4E",
	"0-99-1":  "Matrice 4T",
	"0-100-0": "Matrice 4D",
	"0-100-1": "Matrice 4TD",
	"0-103-0": "Matrice 400",
	"2-174-0": "DJI RC Plus 2",
	"3-3-0":   "DJI Dock 3",
}

// Device types, by the key's domain: each says "drone", the word asset
// registers and the policy packs know DJI's equipment by (a remote
// controller alone is no one category).
const (
	typeDrone   = "drone"
	typePayload = "drone payload"
	typeRC      = "drone remote controller"
	typeDock    = "drone dock"
)

var domains = map[string]string{"0": typeDrone, "1": typePayload, "2": typeRC, "3": typeDock}

// classes are device_model.class values of FlightHub 2.
var classes = map[string]string{"drone": typeDrone, "airport": typeDock, "dock": typeDock, "rc": typeRC, "payload": typePayload}

// parseKey reads a model key "domain-type-sub_type", three numbers of at
// most six digits, and returns it without leading zeros.
func parseKey(s string) (string, bool) {
	parts := strings.Split(strings.TrimSpace(s), "-")
	if len(parts) != 3 {
		return "", false
	}
	return joinKey(parts[0], parts[1], parts[2])
}

// joinKey makes a model key of its three parts.
func joinKey(domain, typ, sub string) (string, bool) {
	out := make([]string, 3)
	for i, p := range []string{domain, typ, sub} {
		p = strings.TrimSpace(p)
		if p == "" || len(p) > 6 || strings.TrimLeft(p, "0123456789") != "" {
			return "", false
		}
		n, _ := strconv.Atoi(p) // six digits at most: it fits
		out[i] = strconv.Itoa(n)
	}
	return strings.Join(out, "-"), true
}

// deviceType is the type of a device by its key, its class, else the
// place the list gives it (an aircraft's).
func deviceType(key, class, role string) string {
	if key != "" {
		d, _, _ := strings.Cut(key, "-")
		if t := domains[d]; t != "" {
			return t
		}
	}
	if t := classes[strings.ToLower(class)]; t != "" {
		return t
	}
	if role == roleDrone {
		return typeDrone
	}
	return ""
}
