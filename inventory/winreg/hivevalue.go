package winreg

import (
	"encoding/binary"

	"www.velocidex.com/golang/regparser"
)

// value decodes a string or number value; ok is false for other types
// (binary data, resource lists), which no collector here reads.
func (h *hive) value(vk *regparser.CM_KEY_VALUE, name string) (v value, ok bool, err error) {
	switch vk.Type() {
	case regparser.REG_SZ, regparser.REG_EXPAND_SZ, regparser.REG_MULTI_SZ,
		regparser.REG_DWORD, regparser.REG_DWORD_BIG_ENDIAN, regparser.REG_QWORD:
	default:
		return value{}, false, nil
	}
	b, err := h.data(vk, name)
	if err != nil {
		return value{}, false, err
	}
	switch vk.Type() {
	case regparser.REG_SZ, regparser.REG_EXPAND_SZ:
		return value{str: utf16String(b)}, true, nil
	case regparser.REG_MULTI_SZ:
		return value{str: multiString(b)}, true, nil
	case regparser.REG_DWORD:
		if len(b) == 4 {
			return value{num: uint64(binary.LittleEndian.Uint32(b)), isNum: true}, true, nil
		}
	case regparser.REG_DWORD_BIG_ENDIAN:
		if len(b) == 4 {
			return value{num: uint64(binary.BigEndian.Uint32(b)), isNum: true}, true, nil
		}
	case regparser.REG_QWORD:
		if len(b) == 8 {
			return value{num: binary.LittleEndian.Uint64(b), isNum: true}, true, nil
		}
	}
	return value{}, false, nil // a number of the wrong size: not a number
}

// data reads the bytes of a value: held in the value record itself when
// at most 4 bytes long, in one cell, or in "db" segments when long.
func (h *hive) data(vk *regparser.CM_KEY_VALUE, name string) ([]byte, error) {
	p := h.reg.Profile
	n := int64(vk.DataLength())
	if n&0x80000000 != 0 {
		n &^= 0x80000000
		if n > 4 {
			return nil, h.errAt(vk.Offset, "value %q: %d bytes cannot be held in the value record", name, n)
		}
		return h.read(vk.Offset+p.Off_CM_KEY_VALUE_Data, int(n))
	}
	if n > maxValueBytes {
		return nil, h.errAt(vk.Offset, "value %q is %d bytes, over the limit of %d", name, n, maxValueBytes)
	}
	if n == 0 {
		return nil, nil
	}
	c, size, err := h.cell(vk.Data(), "value data")
	if err != nil {
		return nil, err
	}
	payload := c.Offset + p.Off_HCELL_Data
	if n > bigDataMin && c.Signature() == sigDB {
		return h.bigData(p.CM_BIG_DATA(h.r, payload), n, name)
	}
	if n > size {
		return nil, h.errAt(c.Offset, "value %q: %d bytes run past its cell", name, n)
	}
	return h.read(payload, int(n))
}

// bigData joins the segments of a long value.
func (h *hive) bigData(db *regparser.CM_BIG_DATA, n int64, name string) ([]byte, error) {
	p := h.reg.Profile
	count := int(db.Count())
	if err := h.spend(count, db.Offset); err != nil {
		return nil, err
	}
	lc, size, err := h.cell(db.List(), "value segment list")
	if err != nil {
		return nil, err
	}
	if int64(4*count) > size {
		return nil, h.errAt(lc.Offset, "value %q: segment list of %d entries runs past its cell", name, count)
	}
	offs, err := h.read(lc.Offset+p.Off_HCELL_Data, 4*count)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, n)
	for i := 0; i < count && int64(len(out)) < n; i++ {
		sc, ssize, err := h.cell(binary.LittleEndian.Uint32(offs[4*i:]), "value segment")
		if err != nil {
			return nil, err
		}
		seg, err := h.read(sc.Offset+p.Off_HCELL_Data, int(min(ssize, bigDataMin, n-int64(len(out)))))
		if err != nil {
			return nil, err
		}
		out = append(out, seg...)
	}
	if int64(len(out)) < n {
		return nil, h.errAt(db.Offset, "value %q: segments hold %d of its %d bytes", name, len(out), n)
	}
	return out, nil
}
