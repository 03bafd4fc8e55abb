package plist

// The binary property list layout (CoreFoundation's CFBinaryPList.c):
// "bplist00", the objects, a table of their offsets, and a 32-byte
// trailer giving the offset and reference sizes, the object count, the
// top object and where the offset table starts. Arrays (0xA_) and
// dictionaries (0xD_) hold object references; a count of 0xF is followed
// by an integer object (0x1n, 2^n bytes) with the real count.

// bplist reads just enough of a binary property list to walk its
// containers.
type bplist struct {
	data     []byte
	offSize  int
	refSize  int
	objects  uint64
	tableOff uint64
}

// checkBinaryDepth fails when a path of container references from the
// top object is longer than limit, or when the structure that path needs
// is malformed. Objects are visited once each (shared ones are
// memoised), and the walk keeps its own stack.
func checkBinaryDepth(data []byte, limit int) error {
	if len(data) < 8+32 {
		return errAt(0, "binary property list shorter than its header and trailer")
	}
	tr := data[len(data)-32:]
	b := bplist{data: data, offSize: int(tr[6]), refSize: int(tr[7])}
	b.objects = be(tr[8:16])
	top := be(tr[16:24])
	b.tableOff = be(tr[24:32])
	end := uint64(len(data) - 32)
	switch {
	case b.offSize < 1 || b.offSize > 8 || b.refSize < 1 || b.refSize > 8:
		return errAt(int64(end)+6, "binary property list trailer: offset size %d, reference size %d (1 to 8)", b.offSize, b.refSize)
	case b.tableOff < 8 || b.tableOff > end || b.objects > (end-b.tableOff)/uint64(b.offSize):
		return errAt(int64(end)+8, "binary property list trailer: %d objects with an offset table at byte %d do not fit", b.objects, b.tableOff)
	case top >= b.objects:
		return errAt(int64(end)+16, "binary property list trailer: top object %d of %d", top, b.objects)
	}
	// mark[i]: 0 not visited, -1 being visited, else 1 + the number of
	// non-empty containers on the longest path down from object i.
	mark := make([]int32, b.objects)
	type frame struct {
		obj  uint64
		refs uint64 // offset of the next reference
		left uint64 // references still to visit
		tall int32  // mark of the tallest child so far
	}
	var stack []frame
	push := func(obj uint64) error {
		off, n, err := b.container(obj)
		if err != nil {
			return err
		}
		if n == 0 {
			mark[obj] = 1
			return nil
		}
		if len(stack) >= limit {
			return errAt(int64(off), "containers nested deeper than %d", limit)
		}
		mark[obj] = -1
		stack = append(stack, frame{obj: obj, refs: off, left: n, tall: 1})
		return nil
	}
	if err := push(top); err != nil {
		return err
	}
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		if f.left == 0 {
			mark[f.obj] = f.tall + 1
			stack = stack[:len(stack)-1]
			if len(stack) > 0 {
				p := &stack[len(stack)-1]
				p.tall = max(p.tall, mark[f.obj])
			}
			continue
		}
		at := f.refs
		child := b.uint(at, b.refSize)
		f.refs += uint64(b.refSize)
		f.left--
		if child >= b.objects {
			return errAt(int64(at), "reference to object %d of %d", child, b.objects)
		}
		switch m := mark[child]; {
		case m > 0:
			if len(stack)+int(m-1) > limit {
				return errAt(int64(at), "containers nested deeper than %d", limit)
			}
			f.tall = max(f.tall, m)
		case m < 0:
			// A container that contains itself: the plist library
			// refuses it with its own message.
		default:
			if err := push(child); err != nil {
				return err
			}
		}
	}
	return nil
}

// container returns where the references of object obj start and how
// many there are (keys and values of a dictionary both), or 0 for an
// object that is not an array or dictionary.
func (b *bplist) container(obj uint64) (uint64, uint64, error) {
	entry := b.tableOff + obj*uint64(b.offSize)
	off := b.uint(entry, b.offSize)
	if off < 8 || off >= b.tableOff {
		return 0, 0, errAt(int64(entry), "object %d at byte %d, outside the object area", obj, off)
	}
	marker := b.data[off]
	kind := marker >> 4
	if kind != 0xA && kind != 0xD {
		return 0, 0, nil
	}
	n, start := uint64(marker&0x0F), off+1
	if n == 0x0F {
		if start >= b.tableOff || b.data[start]>>4 != 0x1 || b.data[start]&0x0F > 3 {
			return 0, 0, errAt(int64(start), "container count is not an integer of 1 to 8 bytes")
		}
		size := uint64(1) << (b.data[start] & 0x0F)
		if start+1+size > b.tableOff {
			return 0, 0, errAt(int64(start), "container count runs into the offset table")
		}
		n, start = b.uint(start+1, int(size)), start+1+size
	}
	if kind == 0xD {
		if n > b.tableOff {
			return 0, 0, errAt(int64(off), "dictionary of %d entries in a %d-byte object area", n, b.tableOff)
		}
		n *= 2
	}
	if n > (b.tableOff-start)/uint64(b.refSize) {
		return 0, 0, errAt(int64(off), "container of %d references runs into the offset table", n)
	}
	return start, n, nil
}

// uint reads a big-endian unsigned integer of size bytes at off; callers
// have checked the bounds.
func (b *bplist) uint(off uint64, size int) uint64 {
	return be(b.data[off : off+uint64(size)])
}

func be(p []byte) uint64 {
	var v uint64
	for _, c := range p {
		v = v<<8 | uint64(c)
	}
	return v
}
