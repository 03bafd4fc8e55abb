// Package country names countries for people: ISO 3166-1 alpha-2 codes
// as their English short names (from Debian's iso-codes; see gen).
package country

//go:generate sh -c "go run ./gen /usr/share/iso-codes/json/iso_3166-1.json > names.go"

// Name is the country's name, or the code itself when it names none
// (a code the standard does not assign, "??" for unknown).
func Name(code string) string {
	if n, ok := names[code]; ok {
		return n
	}
	if code == "" || code == "??" {
		return "unknown"
	}
	return code
}

// Label is the name with the code, "Russian Federation (RU)", for
// tables that must keep both.
func Label(code string) string {
	n := Name(code)
	if n == code || n == "unknown" {
		return n
	}
	return n + " (" + code + ")"
}
