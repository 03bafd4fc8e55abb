package enforce

import (
	"io"
)

// Hosts writes a hosts(5) file that sends every blocked name to the
// unspecified addresses (0.0.0.0 and ::), where connections fail at once.
// A hosts file has no wildcards: a subtree can only be listed by its apex
// and by the names below it that the catalogue gives, so it blocks less
// than the RPZ and Suricata artefacts; the header says so.
type Hosts struct{}

// Name is the format's name for -o.
func (*Hosts) Name() string { return "hosts" }

// Empty implements Emitter: the file blocks the host names it can write.
func (*Hosts) Empty(t *Targets) string { return namesEmpty(t, hostName, false) }

// Emit writes the hosts file.
func (h *Hosts) Emit(w io.Writer, t *Targets) error {
	if err := refuseEmpty(h, t); err != nil {
		return err
	}
	tw := newTextWriter(w)
	for _, l := range headerLines("hosts file", t,
		"A hosts file cannot match the names below a domain: each subtree (*.name) is",
		"listed by its apex and the names below it that the catalogue gives, so names",
		"not listed here still resolve. Use the rpz or suricata artefacts to block subtrees.") {
		tw.printf("# %s\n", l)
	}
	tw.printf("\n")
	written := map[string]bool{}
	for _, e := range domainEntries(t.Domains, hostName, false) {
		label := e.Name
		if e.Subtree {
			label = "*." + e.Name
		}
		if e.Skip != "" {
			tw.printf("# %s (%s): %s\n", commentText(label), commentText(origin(e.Entity, e.Source)), commentText(e.Skip))
			continue
		}
		// A subtree and a plain entry for the same apex are one line.
		if written[e.Name] {
			continue
		}
		written[e.Name] = true
		note := origin(e.Entity, e.Source)
		if e.Subtree {
			note = "apex of *." + e.Name + "; " + note
		}
		tw.printf("0.0.0.0 %s # %s\n:: %s # %s\n", e.Name, commentText(note), e.Name, commentText(note))
	}
	return tw.flush("hosts")
}
