package intune

import (
	"strings"
)

// kind is what a Graph object is.
type kind uint8

const (
	kindNone   kind = iota // not known (yet)
	kindDevice             // a managedDevice or a subtype
	kindApp                // a detectedApp
	kindOther              // a Graph resource of another type
)

// odataContext is what a context URL says of the resources it
// describes (OData 4.01 section 10: "$metadata#" and the path of the
// collection or entity set; "/$entity" for a single resource; a select
// or expand list in parentheses; a key in parentheses and quotes).
type odataContext struct {
	kind   kind
	device string // the device whose detectedApps these are
	tenant bool   // deviceManagement/detectedApps: the tenant-wide list
}

// parseContext reads a context URL such as
// "https://graph.microsoft.com/beta/$metadata#deviceManagement/managedDevices('3f1c...')/detectedApps".
func parseContext(url string) odataContext {
	_, path, ok := strings.Cut(url, "$metadata#")
	if !ok {
		return odataContext{}
	}
	path = strings.TrimSuffix(path, "/$entity")
	segs := splitPath(path)
	if len(segs) == 0 {
		return odataContext{}
	}
	last, _ := segment(segs[len(segs)-1])
	switch last {
	case "managedDevices":
		return odataContext{kind: kindDevice}
	case "detectedApps":
		c := odataContext{kind: kindApp}
		if len(segs) >= 2 {
			name, key := segment(segs[len(segs)-2])
			switch {
			case name == "managedDevices" && key != "":
				c.device = key
			case name == "deviceManagement" && len(segs) == 2:
				c.tenant = true
			}
		}
		return c
	}
	return odataContext{kind: kindOther}
}

// splitPath splits a context path at the slashes outside parentheses.
func splitPath(p string) []string {
	var segs []string
	depth, start := 0, 0
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '(':
			depth++
		case ')':
			depth--
		case '/':
			if depth == 0 {
				segs = append(segs, p[start:i])
				start = i + 1
			}
		}
	}
	return append(segs, p[start:])
}

// segment splits "name('key')" into the name and the key; a list in
// parentheses without quotes ($select, $expand) is not a key.
func segment(s string) (name, key string) {
	name, rest, ok := strings.Cut(s, "(")
	if !ok {
		return s, ""
	}
	rest = strings.TrimSuffix(rest, ")")
	if len(rest) >= 2 && rest[0] == '\'' && rest[len(rest)-1] == '\'' {
		return name, strings.ReplaceAll(rest[1:len(rest)-1], "''", "'")
	}
	return name, ""
}

// typeKind is the kind an "@odata.type" names.
func typeKind(t string) kind {
	t = strings.ToLower(strings.TrimPrefix(t, "#"))
	switch {
	case t == "":
		return kindNone
	case t == "microsoft.graph.detectedapp":
		return kindApp
	case strings.HasPrefix(t, "microsoft.graph.") && strings.HasSuffix(t, "manageddevice"):
		return kindDevice
	}
	return kindOther
}
