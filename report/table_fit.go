package report

import (
	"bufio"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// DefaultWidth is the width, in terminal columns, a table is fitted to
// when nothing says how wide the reader's terminal is.
const DefaultWidth = 120

// tableMinColumn is the narrowest fitColumns clips a column to.
const tableMinColumn = 12

// width is the width t's lines are fitted to; 0 when nothing is cut.
func (t Table) width() int {
	switch {
	case t.Wide:
		return 0
	case t.Width > 0:
		return t.Width
	}
	return DefaultWidth
}

// room is what is left of a line of width w after n columns: 0 (no
// limit) when w is.
func room(w, n int) int {
	if w <= 0 {
		return 0
	}
	return max(w-n, 1)
}

// cells is how many terminal columns s takes: East Asian wide and
// full-width characters two, combining marks and control characters
// none, every other character one.
func cells(s string) int {
	n := 0
	for _, r := range s {
		n += runeCells(r)
	}
	return n
}

func runeCells(r rune) int {
	switch {
	case r < ' ', unicode.Is(unicode.Mn, r), unicode.Is(unicode.Me, r):
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// printable replaces control characters (a newline in a name, say) with
// spaces, so that one cell stays on one line.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' {
			return ' '
		}
		return r
	}, s)
}

// clip fits s in n columns, ending it with "…" when it is cut; n <= 0
// cuts nothing.
func clip(s string, n int) string {
	s = printable(s)
	if n <= 0 || cells(s) <= n {
		return s
	}
	var b strings.Builder
	used := 0
	for _, r := range s {
		w := runeCells(r)
		if used+w > n-1 {
			break
		}
		b.WriteRune(r)
		used += w
	}
	return b.String() + "…"
}

// clipMarked is clip keeping a cell's closing localMark, which says
// what decided it.
func clipMarked(s string, n int) string {
	base, marked := strings.CutSuffix(s, " "+localMark)
	if !marked || n <= 0 || cells(s) <= n || n <= len(localMark)+2 {
		return clip(s, n)
	}
	return clip(base, n-len(localMark)-1) + " " + localMark
}

// clipMiddle fits a location in n columns by cutting its middle, so that
// both where it starts (the input) and where it ends (the file or the
// position in it) stay: "/mnt/c/Program Files/…/avp.exe".
func clipMiddle(s string, n int) string {
	s = printable(s)
	if n <= 0 || cells(s) <= n {
		return s
	}
	if n < 3 {
		return clip(s, n)
	}
	rs := []rune(s)
	tailWant := (n - 1) / 2
	tail, tailCells := len(rs), 0
	for tail > 0 && tailCells+runeCells(rs[tail-1]) <= tailWant {
		tail--
		tailCells += runeCells(rs[tail])
	}
	head, headCells := 0, 0
	for head < tail && headCells+runeCells(rs[head]) <= n-1-tailCells {
		headCells += runeCells(rs[head])
		head++
	}
	return string(rs[:head]) + "…" + string(rs[tail:])
}

// fitColumns returns the widths of rows' columns, two spaces apart, and
// clips the cells of the columns from the first flexible one on so that a
// line fits in width (0: no limit): the widest of them loses a column at
// a time, down to tableMinColumn. The columns listed in middle are cut in
// the middle (locations), the others at the end.
func fitColumns(rows [][]string, flexible, width int, middle ...int) []int {
	widths := make([]int, len(rows[0]))
	for _, row := range rows {
		for c, cell := range row {
			row[c] = printable(cell)
			widths[c] = max(widths[c], cells(row[c]))
		}
	}
	if width <= 0 {
		return widths
	}
	total := func() int {
		n := 2 * (len(widths) - 1)
		for _, w := range widths {
			n += w
		}
		return n
	}
	for total() > width {
		widest := flexible
		for c := flexible; c < len(widths); c++ {
			if widths[c] > widths[widest] {
				widest = c
			}
		}
		if widths[widest] <= tableMinColumn {
			break
		}
		widths[widest]--
	}
	for _, row := range rows {
		for c := range row {
			if slices.Contains(middle, c) {
				row[c] = clipMiddle(row[c], widths[c])
			} else {
				row[c] = clipMarked(row[c], widths[c])
			}
		}
	}
	return widths
}

// writeAligned writes cells padded to widths, two spaces apart.
func writeAligned(bw *bufio.Writer, indent string, widths []int, row []string) {
	bw.WriteString(indent)
	for i, c := range row {
		bw.WriteString(c)
		if i < len(row)-1 {
			bw.WriteString(strings.Repeat(" ", max(widths[i]-cells(c), 0)+2))
		}
	}
	bw.WriteByte('\n')
}

// writeRows writes rows (the first is the heading) under indent, fitted
// to width (0: no limit). Rows that fit are written one line each.
// Otherwise the columns from detailFrom on move to a second line of each
// row, below the second column, each value after its heading in lower
// case ("decided by …"), " · " apart; the first lines are then fitted by
// fitColumns from the flexible column on. The column middle (a location;
// -1 for none) is cut in its middle, and only as much as the line needs.
func writeRows(bw *bufio.Writer, indent string, rows [][]string, width, flexible, detailFrom, middle int) {
	widths := fitColumns(rows, flexible, 0)
	total := len(indent) + 2*(len(widths)-1)
	for _, w := range widths {
		total += w
	}
	if width <= 0 || total <= width {
		for _, row := range rows {
			writeAligned(bw, indent, widths, row)
		}
		return
	}
	head := rows[0]
	firsts := make([][]string, len(rows))
	for i, row := range rows {
		firsts[i] = slices.Clone(row[:detailFrom])
	}
	widths = fitColumns(firsts, flexible, room(width, len(indent)))
	detailAt := len(indent) + widths[0] + 2
	for i, row := range rows {
		writeAligned(bw, indent, widths, firsts[i])
		if i == 0 {
			continue
		}
		var parts []string
		at := -1
		for c := detailFrom; c < len(row); c++ {
			if row[c] == "" || row[c] == "-" {
				continue
			}
			if c == middle {
				at = len(parts)
			}
			parts = append(parts, strings.ToLower(head[c])+" "+row[c])
		}
		bw.WriteString(strings.Repeat(" ", detailAt))
		bw.WriteString(fitDetail(parts, at, room(width, detailAt)))
		bw.WriteByte('\n')
	}
}

// fitDetail joins parts with " · " in n columns. The part at (a
// location; -1 for none) is cut in its middle first, down to half of
// the line; then the other parts are cut at their end, and the location,
// last, keeps its two ends.
func fitDetail(parts []string, at, n int) string {
	line := strings.Join(parts, " · ")
	over := cells(line) - n
	if over <= 0 || at < 0 || at != len(parts)-1 {
		return clip(line, n)
	}
	parts[at] = clipMiddle(parts[at], max(cells(parts[at])-over, n/2))
	if at == 0 {
		return clip(parts[at], n)
	}
	others := strings.Join(parts[:at], " · ")
	return clip(others, max(n-cells(parts[at])-3, 1)) + " · " + parts[at]
}
