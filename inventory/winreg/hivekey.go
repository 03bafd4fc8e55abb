package winreg

import (
	"encoding/binary"
	"strings"

	"www.velocidex.com/golang/regparser"
)

// Signatures of the cells a key walk meets, as little-endian uint16.
const (
	sigLF = 0x666c // "lf": subkey list with name hints
	sigLH = 0x686c // "lh": subkey list with name hashes
	sigLI = 0x696c // "li": plain subkey list
	sigRI = 0x6972 // "ri": list of subkey lists
	sigDB = 0x6264 // "db": value data split into segments

	keyCompName   = 0x0020 // key name stored one byte a character
	valueCompName = 0x0001 // value name stored one byte a character
)

// hiveKey is a key node ("nk") of a hive file.
type hiveKey struct {
	h  *hive
	nk *regparser.CM_KEY_NODE
	n  string
}

func (k *hiveKey) name() string { return k.n }

// key reads the key node at cell offset off.
func (h *hive) key(off uint32) (*hiveKey, error) {
	if err := h.spend(1, firstBin+int64(off)); err != nil {
		return nil, err
	}
	c, size, err := h.cell(off, "key")
	if err != nil {
		return nil, err
	}
	nk := c.KeyNode()
	if nk == nil {
		return nil, h.errAt(c.Offset, "cell is not a key (nk)")
	}
	p := h.reg.Profile
	n := int64(nk.NameLength())
	if p.Off_CM_KEY_NODE__Name+n > size {
		return nil, h.errAt(c.Offset, "key name of %d bytes runs past its cell", n)
	}
	raw, err := h.read(nk.Offset+p.Off_CM_KEY_NODE__Name, int(n))
	if err != nil {
		return nil, err
	}
	name := utf16String(raw)
	if nk.Flags()&keyCompName != 0 {
		name = latin1(raw)
	}
	return &hiveKey{h: h, nk: nk, n: name}, nil
}

// subkeys implements key.
func (k *hiveKey) subkeys() ([]key, error) {
	if k.nk.SubKeyCounts()[0] == 0 {
		return nil, nil
	}
	var out []key
	err := k.h.list(k.nk.SubKeyLists()[0], 0, &out)
	return out, err
}

// list appends the keys of the subkey list at off. An "ri" list holds
// other lists, one level deep: deeper nesting is refused, which also
// ends a list that names itself.
func (h *hive) list(off uint32, depth int, out *[]key) error {
	c, size, err := h.cell(off, "subkey list")
	if err != nil {
		return err
	}
	p := h.reg.Profile
	payload := c.Offset + p.Off_HCELL_Data
	sig := c.Signature()
	var count, width int
	var entries int64
	switch sig {
	case sigLF, sigLH:
		count, width = int(p.CM_KEY_INDEX_FAST(h.r, payload).Count()), 8
		entries = p.Off_CM_KEY_INDEX_FAST_List
	case sigLI, sigRI:
		count, width = int(p.CM_KEY_INDEX(h.r, payload).Count()), 4
		entries = p.Off_CM_KEY_INDEX_List
	default:
		return h.errAt(c.Offset, "subkey list has the unknown signature %q", []byte{byte(sig), byte(sig >> 8)})
	}
	if sig == sigRI && depth > 0 {
		return h.errAt(c.Offset, "index of subkey lists nested in another")
	}
	if entries+int64(count*width) > size {
		return h.errAt(c.Offset, "subkey list of %d entries runs past its cell", count)
	}
	if err := h.spend(count, c.Offset); err != nil {
		return err
	}
	b, err := h.read(payload+entries, count*width)
	if err != nil {
		return err
	}
	for i := range count {
		child := binary.LittleEndian.Uint32(b[i*width:])
		if sig == sigRI {
			err = h.list(child, depth+1, out)
		} else {
			var sub *hiveKey
			if sub, err = h.key(child); err == nil {
				*out = append(*out, sub)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// values implements key.
func (k *hiveKey) values(names ...string) (map[string]value, error) {
	out := map[string]value{}
	err := k.eachValue(func(vk *regparser.CM_KEY_VALUE, name string) error {
		for _, want := range names {
			if strings.EqualFold(name, want) {
				v, ok, err := k.h.value(vk, name)
				if ok {
					out[strings.ToLower(want)] = v
				}
				return err
			}
		}
		return nil
	})
	return out, err
}

// eachValue calls fn with every value of the key and its name.
func (k *hiveKey) eachValue(fn func(vk *regparser.CM_KEY_VALUE, name string) error) error {
	h, p := k.h, k.h.reg.Profile
	vl := k.nk.ValueList()
	count := int64(vl.Count())
	if count == 0 {
		return nil
	}
	if err := h.spend(int(min(count, maxVisits+1)), k.nk.Offset); err != nil {
		return err
	}
	c, size, err := h.cell(vl.List(), "value list")
	if err != nil {
		return err
	}
	if 4*count > size {
		return h.errAt(c.Offset, "value list of %d entries runs past its cell", count)
	}
	b, err := h.read(c.Offset+p.Off_HCELL_Data, int(4*count))
	if err != nil {
		return err
	}
	for i := range int(count) {
		vc, vsize, err := h.cell(binary.LittleEndian.Uint32(b[4*i:]), "value")
		if err != nil {
			return err
		}
		vk := vc.KeyValue()
		if vk == nil {
			return h.errAt(vc.Offset, "cell is not a value (vk)")
		}
		n := int64(vk.NameLength())
		if p.Off_CM_KEY_VALUE_Name+n > vsize {
			return h.errAt(vc.Offset, "value name of %d bytes runs past its cell", n)
		}
		raw, err := h.read(vk.Offset+p.Off_CM_KEY_VALUE_Name, int(n))
		if err != nil {
			return err
		}
		name := utf16String(raw)
		if vk.Flags()&valueCompName != 0 {
			name = latin1(raw)
		}
		if err := fn(vk, name); err != nil {
			return err
		}
	}
	return nil
}
