package input

// Sniffer recognises a format from an input's name and first bytes.
type Sniffer interface {
	// Name is the format's name, for --format and reports.
	Name() string
	// Sniff reports whether an input named name whose content starts
	// with head is in this format.
	Sniff(name string, head []byte) bool
}

// Choose returns the first of cands that recognises in, or, when forced
// is set, the one of that name; ok is false when none does.
func Choose[S Sniffer](cands []S, in *Input, forced string) (s S, ok bool) {
	for _, c := range cands {
		if forced != "" {
			if c.Name() == forced {
				return c, true
			}
			continue
		}
		if c.Sniff(in.Name, in.Head) {
			return c, true
		}
	}
	return s, false
}

// Names lists the names of cands, in order.
func Names[S Sniffer](cands []S) []string {
	names := make([]string, len(cands))
	for i, c := range cands {
		names[i] = c.Name()
	}
	return names
}
