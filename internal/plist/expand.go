package plist

import (
	"errors"
	"fmt"

	"github.com/embargo-dev/embargo/inventory"
)

// A binary property list refers to its objects by number, so one array
// may be referred to many times: an array of two references to an array
// of two references to ..., forty deep and a hundred bytes long, decodes
// to 2^40 values. The plist library materialises every reference, and
// this reader decodes into generic values, so the size of the decoded
// tree is measured first, on the object table (layout as in
// bplist.go: CoreFoundation's CFBinaryPList.c), and a list that
// would decode to more values than its bytes could hold without shared
// containers is refused.

// checkExpansion fails when the binary property list data would decode
// to more than 4 values per byte: a tree without shared containers has
// at most one value per reference, and a reference takes a byte or more.
func checkExpansion(name string, data []byte) error {
	tr := data[len(data)-32:] // CheckDepth has checked the trailer
	b := &table{data: data, offSize: int(tr[6]), refSize: int(tr[7]), tableOff: be(tr[24:32])}
	b.count = make([]uint64, be(tr[8:16]))
	b.limit = 4*uint64(len(data)) + 1024
	if _, err := b.values(be(tr[16:24])); err != nil {
		return &inventory.InputError{Source: name, Offset: 0, Err: err}
	}
	return nil
}

// table is the object table of a binary property list, with the number
// of values each container decodes to once known.
type table struct {
	data             []byte
	offSize, refSize int
	tableOff, limit  uint64
	count            []uint64 // 0 not measured, busy while measured, else 1 + values
}

const busy = ^uint64(0)

// values returns how many values the object obj decodes to below it,
// recursing no deeper than CheckDepth allowed.
func (b *table) values(obj uint64) (uint64, error) {
	switch c := b.count[obj]; c {
	case busy:
		return 0, errors.New("a container that contains itself")
	case 0:
	default:
		return c - 1, nil
	}
	start, n := b.container(obj)
	if n == 0 {
		b.count[obj] = 1
		return 0, nil
	}
	b.count[obj] = busy
	var total uint64
	for i := range n {
		child := b.uint(start+i*uint64(b.refSize), b.refSize)
		below, err := b.values(child)
		if err != nil {
			return 0, err
		}
		if total += 1 + below; total > b.limit {
			return 0, fmt.Errorf("binary property list decodes to more than %d values (containers shared many times over)", b.limit)
		}
	}
	b.count[obj] = total + 1
	return total, nil
}

// container returns where the references of object obj start and how
// many there are (keys and values of a dictionary both), or 0 for an
// object that is not an array or dictionary. CheckDepth has checked the
// bounds of every container reachable from the top object.
func (b *table) container(obj uint64) (uint64, uint64) {
	off := b.uint(b.tableOff+obj*uint64(b.offSize), b.offSize)
	marker := b.data[off]
	kind := marker >> 4
	if kind != 0xA && kind != 0xD {
		return 0, 0
	}
	n, start := uint64(marker&0x0F), off+1
	if n == 0x0F {
		size := uint64(1) << (b.data[start] & 0x0F)
		n, start = b.uint(start+1, int(size)), start+1+size
	}
	if kind == 0xD {
		n *= 2
	}
	return start, n
}

func (b *table) uint(off uint64, size int) uint64 { return be(b.data[off : off+uint64(size)]) }
