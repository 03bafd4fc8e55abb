package enforce

import (
	"bufio"
	"bytes"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// Suricata is not packaged in Debian bookworm, so the rules are checked
// against its rule grammar (as the Suricata user guide, "Rules Format",
// gives it) by validateRules below; where a suricata binary is on PATH
// the test also runs `suricata -T`.

// surRule is one parsed rule.
type surRule struct {
	Line                     int
	Action, Proto            string
	Src, SrcPort, Dst, DPort string
	Opts                     []surOpt
}

type surOpt struct{ Key, Value string }

// Keywords the emitter may write: those without a value, and those with.
var (
	surFlags  = map[string]bool{"dns.query": true, "tls.sni": true, "dotprefix": true, "nocase": true, "endswith": true, "startswith": true}
	surValued = map[string]bool{"msg": true, "sid": true, "rev": true, "content": true, "bsize": true}
	surProtos = map[string]string{"dns": "dns.query", "tls": "tls.sni", "ip": ""}
)

// validateRules parses a rules file and checks what Suricata would refuse
// or misread: the header (action, protocol, address lists, ports,
// direction), balanced parentheses, option syntax with escapes, known
// keywords in a sensible order, msg/sid/rev present, sids unique.
func validateRules(data []byte) ([]surRule, error) {
	var rules []surRule
	sids := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		r, err := parseRule(text)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		r.Line = line
		sid := r.opt("sid")
		if prev, dup := sids[sid]; dup {
			return nil, fmt.Errorf("line %d: sid %s already used on line %d", line, sid, prev)
		}
		sids[sid] = line
		rules = append(rules, r)
	}
	return rules, sc.Err()
}

func (r surRule) opt(key string) string {
	for _, o := range r.Opts {
		if o.Key == key {
			return o.Value
		}
	}
	return ""
}

func parseRule(text string) (surRule, error) {
	var r surRule
	head, body, ok := strings.Cut(text, "(")
	if !ok || !strings.HasSuffix(body, ")") {
		return r, fmt.Errorf("no option list in parentheses")
	}
	f := strings.Fields(head)
	if len(f) != 7 {
		return r, fmt.Errorf("header %q has %d fields, want 7", head, len(f))
	}
	r.Action, r.Proto, r.Src, r.SrcPort, r.Dst, r.DPort = f[0], f[1], f[2], f[3], f[5], f[6]
	if r.Action != "alert" && r.Action != "drop" {
		return r, fmt.Errorf("action %q", r.Action)
	}
	if _, ok := surProtos[r.Proto]; !ok {
		return r, fmt.Errorf("protocol %q", r.Proto)
	}
	if f[4] != "->" {
		return r, fmt.Errorf("direction %q", f[4])
	}
	for _, a := range []string{r.Src, r.Dst} {
		if err := checkAddresses(a); err != nil {
			return r, err
		}
	}
	if r.SrcPort != "any" || r.DPort != "any" {
		return r, fmt.Errorf("ports %s %s", r.SrcPort, r.DPort)
	}
	opts, err := splitOptions(strings.TrimSuffix(body, ")"))
	if err != nil {
		return r, err
	}
	r.Opts = opts
	return r, checkOptions(r)
}

// checkAddresses accepts any, an address or prefix, or a bracketed list
// of them without spaces.
func checkAddresses(a string) error {
	if a == "any" {
		return nil
	}
	list := []string{a}
	if strings.HasPrefix(a, "[") {
		if !strings.HasSuffix(a, "]") || len(a) < 3 {
			return fmt.Errorf("address list %q is not closed", a)
		}
		list = strings.Split(a[1:len(a)-1], ",")
	}
	for _, s := range list {
		if _, err := netip.ParsePrefix(s); err != nil {
			if _, err2 := netip.ParseAddr(s); err2 != nil {
				return fmt.Errorf("address %q in %q: %v", s, a, err)
			}
		}
	}
	return nil
}

// splitOptions splits "key:value; key; ..." honouring quoted values and
// backslash escapes, and refuses unbalanced parentheses outside quotes.
func splitOptions(body string) ([]surOpt, error) {
	var opts []surOpt
	var cur strings.Builder
	quoted, escaped := false, false
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case escaped:
			escaped = false
			cur.WriteByte(c)
			continue
		case c == '\\':
			if !quoted {
				return nil, fmt.Errorf("a backslash outside a quoted value at byte %d", i)
			}
			escaped = true
		case c == '"':
			quoted = !quoted
		case (c == '(' || c == ')') && !quoted:
			return nil, fmt.Errorf("unbalanced parenthesis at byte %d of the options", i)
		case c == ';' && !quoted:
			k, v, _ := strings.Cut(strings.TrimSpace(cur.String()), ":")
			opts = append(opts, surOpt{strings.TrimSpace(k), strings.TrimSpace(v)})
			cur.Reset()
			continue
		}
		cur.WriteByte(c)
	}
	if quoted || escaped || strings.TrimSpace(cur.String()) != "" {
		return nil, fmt.Errorf("options end inside a value or without ';'")
	}
	return opts, nil
}

func checkOptions(r surRule) error {
	var sticky, last string
	for _, o := range r.Opts {
		switch {
		case surFlags[o.Key] && o.Value != "":
			return fmt.Errorf("%s takes no value", o.Key)
		case surValued[o.Key] && o.Value == "":
			return fmt.Errorf("%s needs a value", o.Key)
		case !surFlags[o.Key] && !surValued[o.Key]:
			return fmt.Errorf("unknown keyword %q", o.Key)
		}
		switch o.Key {
		case "dns.query", "tls.sni":
			if o.Key != surProtos[r.Proto] {
				return fmt.Errorf("%s in a %s rule", o.Key, r.Proto)
			}
			sticky = o.Key
		case "dotprefix":
			if last != sticky || sticky == "" {
				return fmt.Errorf("dotprefix must follow the sticky buffer")
			}
		case "content":
			if sticky == "" {
				return fmt.Errorf("content without a sticky buffer")
			}
			s, err := strconv.Unquote(o.Value)
			if err != nil || strings.ContainsAny(s, `";\|`) {
				return fmt.Errorf("content %s is not a plain quoted string", o.Value)
			}
		case "nocase", "endswith", "startswith", "bsize":
			if !strings.HasPrefix(last, "content") && last != "nocase" && last != "endswith" {
				return fmt.Errorf("%s does not follow a content", o.Key)
			}
		case "sid", "rev":
			if _, err := strconv.ParseUint(o.Value, 10, 32); err != nil {
				return fmt.Errorf("%s %q is not a number", o.Key, o.Value)
			}
		case "msg":
			if len(o.Value) < 2 || o.Value[0] != '"' || o.Value[len(o.Value)-1] != '"' {
				return fmt.Errorf("msg %s is not quoted", o.Value)
			}
		}
		last = o.Key
	}
	for _, k := range []string{"msg", "sid", "rev"} {
		if r.opt(k) == "" {
			return fmt.Errorf("no %s", k)
		}
	}
	return nil
}

// matches evaluates a DNS or TLS rule against a name as Suricata would:
// the buffer (the name without its final dot, as Suricata's dns.query
// gives it), dotprefix, then content with nocase, endswith and bsize.
func (r surRule) matches(name string) bool {
	if r.opt("content") == "" {
		return false
	}
	buf := strings.ToLower(strings.TrimSuffix(name, "."))
	c, _ := strconv.Unquote(r.opt("content"))
	for _, o := range r.Opts {
		if o.Key == "dotprefix" {
			buf = "." + buf
		}
	}
	ok := strings.Contains(buf, strings.ToLower(c))
	for _, o := range r.Opts {
		switch o.Key {
		case "endswith":
			ok = ok && strings.HasSuffix(buf, strings.ToLower(c))
		case "bsize":
			n, _ := strconv.Atoi(o.Value)
			ok = ok && len(buf) == n
		}
	}
	return ok
}
