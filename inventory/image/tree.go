package image

import (
	"errors"
	"io/fs"
	"strings"
	"time"
)

// node is one name of an image's file system.
type node struct {
	name     string
	mode     fs.FileMode
	size     int64
	mtime    int64 // Unix seconds
	layer    int   // the last layer that created this name or a name below it
	children map[string]*node
	link     string   // symbolic link target
	data     *content // regular files; shared by hard links
}

func (n *node) isDir() bool     { return n.mode.IsDir() }
func (n *node) isSymlink() bool { return n.mode&fs.ModeSymlink != 0 }

func newDir(name string, layer int) *node {
	return &node{name: name, mode: fs.ModeDir | 0o755, layer: layer, children: map[string]*node{}}
}

// maxLinks bounds the symbolic links followed in resolving one name, as
// Linux does (ELOOP after 40).
const maxLinks = 40

var (
	errEscapes  = errors.New("symbolic link escapes the image root")
	errLoop     = errors.New("too many levels of symbolic links")
	errNotDir   = errors.New("not a directory")
	errNotExist = fs.ErrNotExist
)

// resolve finds name (slash-separated, relative to the root) in the tree,
// following symbolic links as the kernel would inside a chroot whose
// root is the image's: an absolute target starts again at the image root,
// and a link that climbs above the root is an error, never a way out.
// The last element is followed only when followLast is set. When mkdir is
// at least 0, missing directories are created and every directory passed
// is marked as touched by that layer. It returns the node and its path
// with the links resolved.
func resolve(root *node, name string, followLast bool, mkdir int) (*node, string, error) {
	comps := splitPath(name)
	cur := root
	var stack []*node
	var walked []string
	links := 0
	for len(comps) > 0 {
		c := comps[0]
		comps = comps[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if len(stack) == 0 {
				return nil, "", errEscapes
			}
			cur, stack = stack[len(stack)-1], stack[:len(stack)-1]
			walked = walked[:len(walked)-1]
			continue
		}
		if !cur.isDir() {
			return nil, "", errNotDir
		}
		if mkdir >= 0 && cur.layer < mkdir {
			cur.layer = mkdir
		}
		child := cur.children[c]
		if child == nil {
			if mkdir < 0 {
				return nil, "", errNotExist
			}
			child = newDir(c, mkdir)
			cur.children[c] = child
		}
		if child.isSymlink() && (len(comps) > 0 || followLast) {
			links++
			if links > maxLinks {
				return nil, "", errLoop
			}
			target := splitPath(child.link)
			if strings.HasPrefix(child.link, "/") {
				cur, stack, walked = root, stack[:0], walked[:0]
			}
			comps = append(target, comps...)
			continue
		}
		stack = append(stack, cur)
		cur = child
		walked = append(walked, c)
	}
	if mkdir >= 0 && cur.isDir() && cur.layer < mkdir {
		cur.layer = mkdir
	}
	return cur, strings.Join(walked, "/"), nil
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" || p == "." {
		return nil
	}
	return strings.Split(p, "/")
}

// prune removes, below n, every name that no layer from layer on has
// touched: an opaque directory hides what the layers beneath put in it,
// but not what its own layer puts there.
func (n *node) prune(layer int) {
	for name, c := range n.children {
		switch {
		case c.layer < layer:
			delete(n.children, name)
		case c.isDir():
			c.prune(layer)
		}
	}
}

// count returns the number of names below n.
func (n *node) count() (files, dirs int) {
	for _, c := range n.children {
		if c.isDir() {
			f, d := c.count()
			files += f
			dirs += d + 1
		} else {
			files++
		}
	}
	return files, dirs
}

func (n *node) modTime() time.Time { return time.Unix(n.mtime, 0).UTC() }
