package intune

import (
	"github.com/go-json-experiment/json/jsontext"
)

// appObject reads an object of a list of apps, the bulk of a tenant's
// pages, in one piece: ReadValue checks it is JSON (as the token walk
// does), then a scan of its bytes applies its members with the same put
// functions as member, skipping what member skips for an app: one call
// to the decoder for each app rather than two for each of its members.
// Tests and FuzzGraph check that it reads as the token walk does.
func (w *walker) appObject(ref string, level int) (kind, error) {
	depth := w.dec.StackDepth() + 1 // of the object
	if depth > w.lim.MaxDepth {
		return kindNone, w.tooDeep()
	}
	v, err := w.dec.ReadValue()
	if err != nil {
		return kindNone, err
	}
	if w.objects++; w.objects%1024 == 0 {
		if err := w.ctx.Err(); err != nil {
			return kindNone, err
		}
	}
	r := w.level(level, w.dec.InputOffset()-int64(len(v)), ref)
	r.app, r.bufStart = true, len(w.buf)
	if err := w.scanApp(r, v, depth); err != nil {
		return kindNone, err
	}
	r.gathered(w.buf[r.bufStart:], r.bufStart)
	w.buf = w.buf[:r.bufStart]
	return w.end(r, kindApp)
}

// scanApp applies the members of the object v, valid JSON at depth.
func (w *walker) scanApp(r *resource, v []byte, depth int) error {
	for i := space(v, 1); v[i] != '}'; {
		end, escaped := stringEnd(v, i)
		name := v[i+1 : end-1]
		if escaped {
			var err error
			if w.key, err = jsontext.AppendUnquote(w.key[:0], v[i:end]); err != nil {
				return err
			}
			name = w.key
		}
		m, f := memberOf(name), fieldOf(name)
		i = space(v, space(v, end)+1) // past the colon
		end, nest := valueEnd(v, i)
		if depth+nest > w.lim.MaxDepth {
			return w.tooDeep()
		}
		val, k := v[i:end], kindOf(v[i])
		var err error
		switch m {
		case mContext:
			err = w.putMeta(r, &r.context, "@odata.context", k, val)
		case mNextLink:
			err = w.putMeta(r, &r.next, "@odata.nextLink", k, val)
		case mType:
			err = w.putMeta(r, &r.otype, "@odata.type", k, val)
		case mAppsNextLink:
			err = w.putMeta(r, &r.appsNext, "detectedApps@odata.nextLink", k, val)
		case 0:
			if f >= 0 {
				err = w.put(r, f, k, val)
			}
		}
		if err != nil {
			return err
		}
		if i = space(v, end); v[i] == ',' {
			i = space(v, i+1)
		}
	}
	return nil
}

// space is the index of the first byte at or after i that is not JSON
// white space.
func space(v []byte, i int) int {
	for i < len(v) && (v[i] == ' ' || v[i] == '\t' || v[i] == '\r' || v[i] == '\n') {
		i++
	}
	return i
}

// stringEnd is the index just after the string that starts at i, and
// whether it has escapes. Strings here are short: a loop beats a search.
func stringEnd(v []byte, i int) (end int, escaped bool) {
	for j := i + 1; ; j++ {
		switch v[j] {
		case '"':
			return j + 1, escaped
		case '\\':
			j, escaped = j+1, true
		}
	}
}

// valueEnd is the index just after the value that starts at i, and how
// deep objects and arrays nest in it (0 for a scalar).
func valueEnd(v []byte, i int) (end, nest int) {
	switch v[i] {
	case '"':
		end, _ := stringEnd(v, i)
		return end, 0
	case '{', '[':
		depth := 0
		for j := i; ; j++ {
			switch v[j] {
			case '"':
				end, _ := stringEnd(v, j)
				j = end - 1
			case '{', '[':
				depth++
				nest = max(nest, depth)
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1, nest
				}
			}
		}
	}
	j := i
	for j < len(v) && v[j] != ',' && v[j] != '}' && v[j] != ']' && v[j] != ' ' && v[j] != '\t' && v[j] != '\r' && v[j] != '\n' {
		j++
	}
	return j, 0
}

// kindOf is the kind of the value that starts with c.
func kindOf(c byte) jsontext.Kind {
	switch c {
	case '"', 'n', 't', 'f', '{', '[':
		return jsontext.Kind(c)
	}
	return '0'
}
