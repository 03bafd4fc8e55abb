package dhcp

import (
	"context"
	"fmt"
	"net/netip"
)

// parser reads dhcpd.leases declarations, statement by statement.
type parser struct {
	lex  lexer
	j    *journal
	toks []tok // words and strings of the current statement
	at   int   // line of the token that ended it
}

// end is how a statement ended.
type end uint8

const (
	endSemi  end = iota // ';'
	endBlock            // '{': the statement heads a block
	endClose            // '}': the enclosing block ends
	endEOF              // the input ends
	endBad              // a string does not end
)

// statement reads the words of one statement into p.toks.
func (p *parser) statement() end {
	p.toks = p.toks[:0]
	p.lex.arena = p.lex.arena[:0]
	for {
		t := p.lex.next()
		p.at = t.line
		switch t.kind {
		case tWord, tString:
			p.toks = append(p.toks, t)
		case tSemi:
			return endSemi
		case tOpen:
			return endBlock
		case tClose:
			return endClose
		case tEOF:
			return endEOF
		default:
			return endBad
		}
	}
}

// word is the text of word i of the statement, or "" past its end; the
// conversion to string is free where it is only compared.
func (p *parser) word(i int) []byte {
	if i >= len(p.toks) {
		return nil
	}
	return p.lex.text(p.toks[i])
}

// skip reads to the end of the block whose '{' was just read; false when
// the input ends first.
func (p *parser) skip() bool {
	for depth := 1; depth > 0; {
		switch p.lex.next().kind {
		case tOpen:
			depth++
		case tClose:
			depth--
		case tEOF, tBad:
			return false
		}
	}
	return true
}

// readDhcpd reads a dhcpd.leases file into j.
func readDhcpd(ctx context.Context, j *journal, data []byte) error {
	p := &parser{lex: lexer{data: data, line: 1}, j: j}
	for n := 1; ; n++ {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		e := p.statement()
		line := p.at
		if len(p.toks) > 0 {
			line = p.toks[0].line
		}
		head := string(p.word(0))
		switch {
		case e == endEOF && len(p.toks) == 0:
			return nil
		case e == endEOF || e == endBad:
			j.unknown(line, fmt.Sprintf("the input ends inside a %s statement", clip(head)))
			return nil
		case e == endClose:
			j.unknown(line, "a '}' that closes no declaration")
		case e == endBlock && head == "lease" && len(p.toks) == 2:
			if !p.lease(line) {
				return nil
			}
		case e == endBlock && (head == "ia_na" || head == "ia_ta") && len(p.toks) == 2:
			if !p.ia(line) {
				return nil
			}
		case e == endBlock:
			// host, group, class, failover peer, ia_pd: not leases of a
			// device (the package comment says why).
			if !p.skip() {
				j.unknown(line, fmt.Sprintf("the input ends inside a %s declaration", clip(head)))
				return nil
			}
		}
	}
}

// lease reads the body of "lease ADDRESS {"; false when the input ends
// inside it.
func (p *parser) lease(line int) bool {
	text := string(p.word(1))
	ref := "lease " + short(clean(text))
	l := lease{key: ref, ref: ref, line: line, held: true}
	addr, err := netip.ParseAddr(text)
	var bad []string
	if err != nil || !addr.Is4() {
		bad = append(bad, fmt.Sprintf("%s is not an IPv4 address", clip(text)))
	}
	l.addr = addr.String()
	for {
		e := p.statement()
		switch e {
		case endEOF, endBad:
			p.j.unknown(line, "the input ends inside "+ref)
			return false
		case endBlock: // on commit { ... }
			if !p.skip() {
				p.j.unknown(line, "the input ends inside "+ref)
				return false
			}
			continue
		case endClose:
			if len(p.toks) > 0 {
				bad = append(bad, fmt.Sprintf("a %s statement without ';'", clip(string(p.word(0)))))
			}
		}
		if e == endClose {
			break
		}
		switch string(p.word(0)) {
		case "binding":
			if string(p.word(1)) == "state" {
				l.held = string(p.word(2)) == "active"
			}
		case "hardware":
			if string(p.word(1)) == "ethernet" {
				mac, err := normalMAC(string(p.word(2)))
				if err != nil {
					p.j.unknown(p.toks[0].line, ref+": "+err.Error())
				}
				l.mac = mac
			}
		case "client-hostname":
			l.hostname = clean(string(p.word(1)))
		case "set":
			if string(p.word(1)) == "vendor-class-identifier" && string(p.word(2)) == "=" {
				l.vendorClass = clean(string(p.word(3)))
			}
		}
	}
	if bad != nil {
		p.j.unknown(line, fmt.Sprintf("%s: %s", ref, bad[0]))
		return true
	}
	return p.j.add(l)
}

// ia reads the body of "ia_na IAID_DUID {" (or ia_ta): each iaaddr in it
// is a lease of the client the DUID names.
func (p *parser) ia(line int) bool {
	id := p.word(1)
	var duid []byte
	if p.toks[1].kind == tString {
		duid = append(duid, id...)
	} else {
		duid = hexBytes(string(id))
	}
	mac := ""
	if len(duid) > 4 {
		mac = duidMAC(duid[4:]) // the IAID's four octets come first
	}
	for {
		e := p.statement()
		switch {
		case e == endEOF || e == endBad:
			p.j.unknown(line, "the input ends inside an ia_na declaration")
			return false
		case e == endClose:
			return true
		case e == endBlock && string(p.word(0)) == "iaaddr" && len(p.toks) == 2:
			if !p.iaaddr(p.toks[0].line, mac) {
				return false
			}
		case e == endBlock:
			if !p.skip() {
				p.j.unknown(line, "the input ends inside an ia_na declaration")
				return false
			}
		}
	}
}

// iaaddr reads the body of "iaaddr ADDRESS {".
func (p *parser) iaaddr(line int, mac string) bool {
	text := string(p.word(1))
	ref := "iaaddr " + short(clean(text))
	l := lease{key: ref, ref: ref, line: line, mac: mac, held: true}
	addr, err := netip.ParseAddr(text)
	for {
		e := p.statement()
		switch e {
		case endEOF, endBad:
			p.j.unknown(line, "the input ends inside "+ref)
			return false
		case endBlock:
			if !p.skip() {
				p.j.unknown(line, "the input ends inside "+ref)
				return false
			}
			continue
		}
		if e == endClose {
			break
		}
		if string(p.word(0)) == "binding" && string(p.word(1)) == "state" {
			l.held = string(p.word(2)) == "active"
		}
	}
	if err != nil || !addr.Is6() {
		p.j.unknown(line, fmt.Sprintf("%s: %s is not an IPv6 address", ref, clip(text)))
		return true
	}
	l.addr = addr.String()
	return p.j.add(l)
}
