package web

import (
	"fmt"
	"html/template"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/embargo-dev/embargo/store"
)

// Bar is one row of a bar chart: a named value and the part of it that
// is overdue (drawn over it in the alarm colour).
type Bar struct {
	Label   string
	Tip     string // the label in full, shown on hover; Label when empty
	Href    string // where the label links to, if anywhere
	Value   float64
	Overdue float64
	Text    string // the value as written beside the bar
}

// barChart draws horizontal bars as inline SVG. Colours come from classes
// styled by style.css, so the page needs no inline style.
func barChart(title string, bars []Bar) template.HTML {
	if len(bars) == 0 {
		return template.HTML(`<p class="empty">Nothing to chart.</p>`)
	}
	const (
		width, labelW = 640.0, 230.0
		rowH, barH    = 22.0, 14.0
		// charW is the widest a character of the chart's values is drawn
		// (style.css: 12px sans-serif digits and letters).
		charW = 7.5
	)
	max, textW := 0.0, 40.0
	for _, b := range bars {
		if b.Value > max {
			max = b.Value
		}
		// The value is written beside the longest bar: the bars leave it
		// the room of the widest value, so that none is cut.
		textW = math.Max(textW, float64(utf8.RuneCountInString(b.Text))*charW+8)
	}
	if max == 0 {
		max = 1
	}
	h := rowH*float64(len(bars)) + 4
	span := width - labelW - textW
	var s strings.Builder
	fmt.Fprintf(&s, `<svg class="chart bars" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %g %g" role="img" aria-label="%s"><title>%s</title>`,
		width, h, esc(title), esc(title))
	for i, b := range bars {
		y := float64(i)*rowH + 2
		tip := b.Tip
		if tip == "" {
			tip = b.Label
		}
		label := fmt.Sprintf(`<title>%s</title>%s`, esc(tip), esc(clip(b.Label, 30)))
		if b.Href != "" {
			label = fmt.Sprintf(`<a href="%s">%s</a>`, esc(b.Href), label)
		}
		fmt.Fprintf(&s, `<text class="label" x="%g" y="%g" text-anchor="end">%s</text>`, labelW-6, y+barH-3, label)
		w := span * b.Value / max
		fmt.Fprintf(&s, `<rect class="bar" x="%g" y="%g" width="%.1f" height="%g"><title>%s: %s</title></rect>`,
			labelW, y, w, barH, esc(tip), esc(b.Text))
		if b.Overdue > 0 {
			fmt.Fprintf(&s, `<rect class="bar overdue" x="%g" y="%g" width="%.1f" height="%g"><title>%s: %g overdue</title></rect>`,
				labelW, y, span*b.Overdue/max, barH, esc(tip), b.Overdue)
		}
		fmt.Fprintf(&s, `<text class="value" x="%.1f" y="%g">%s</text>`, labelW+w+4, y+barH-3, esc(b.Text))
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}

// instrumentBars are counts by instrument as bars labelled by the
// instrument's title (from names; the id when it has none), the id in the
// tooltip.
func instrumentBars(cs []store.Count, names func(id string) string) []Bar {
	bars := countBars(cs, "")
	for i := range bars {
		if names == nil {
			continue
		}
		if t := names(bars[i].Label); t != "" {
			bars[i].Tip = t + " (pack instrument " + bars[i].Label + ")"
			bars[i].Label = t
		}
	}
	return bars
}

// countBars turns the store's counts into bars, each linking to
// hrefPrefix+name when hrefPrefix is set.
func countBars(cs []store.Count, hrefPrefix string) []Bar {
	out := make([]Bar, 0, len(cs))
	for _, c := range cs {
		b := Bar{Label: c.Name, Value: float64(c.N), Overdue: float64(c.Overdue), Text: fmt.Sprint(c.N)}
		if c.Overdue > 0 {
			b.Text = fmt.Sprintf("%d (%d overdue)", c.N, c.Overdue)
		}
		if hrefPrefix != "" {
			b.Href = hrefPrefix + c.Name
		}
		out = append(out, b)
	}
	return out
}

// trendChart draws the daily open, overdue and remediated counts as three
// lines over the days, oldest on the left.
func trendChart(title string, pts []store.TrendPoint) template.HTML {
	if len(pts) == 0 {
		return template.HTML(`<p class="empty">No history yet.</p>`)
	}
	const width, height, left, bottom, top = 640.0, 220.0, 40.0, 24.0, 10.0
	max := 1
	for _, p := range pts {
		max = maxInt(max, p.Open, p.Overdue, p.Remediated)
	}
	xs := func(i int) float64 {
		if len(pts) == 1 {
			return left
		}
		return left + (width-left-10)*float64(i)/float64(len(pts)-1)
	}
	ys := func(n int) float64 { return top + (height-top-bottom)*(1-float64(n)/float64(max)) }
	var s strings.Builder
	fmt.Fprintf(&s, `<svg class="chart trend" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %g %g" role="img" aria-label="%s"><title>%s</title>`,
		width, height, esc(title), esc(title))
	fmt.Fprintf(&s, `<line class="axis" x1="%g" y1="%g" x2="%g" y2="%g"/>`, left, height-bottom, width-10, height-bottom)
	fmt.Fprintf(&s, `<line class="axis" x1="%g" y1="%g" x2="%g" y2="%g"/>`, left, top, left, height-bottom)
	fmt.Fprintf(&s, `<text class="tick" x="%g" y="%g" text-anchor="end">%d</text>`, left-4, top+8, max)
	fmt.Fprintf(&s, `<text class="tick" x="%g" y="%g" text-anchor="end">0</text>`, left-4, height-bottom)
	fmt.Fprintf(&s, `<text class="tick" x="%g" y="%g">%s</text>`, left, height-6, pts[0].Day.UTC().Format(time.DateOnly))
	fmt.Fprintf(&s, `<text class="tick" x="%g" y="%g" text-anchor="end">%s</text>`, width-10, height-6, pts[len(pts)-1].Day.UTC().Format(time.DateOnly))
	series := []struct {
		class string
		get   func(store.TrendPoint) int
	}{
		{"open", func(p store.TrendPoint) int { return p.Open }},
		{"overdue", func(p store.TrendPoint) int { return p.Overdue }},
		{"remediated", func(p store.TrendPoint) int { return p.Remediated }},
	}
	for _, sr := range series {
		fmt.Fprintf(&s, `<polyline class="line %s" points="`, sr.class)
		for i, p := range pts {
			fmt.Fprintf(&s, "%.1f,%.1f ", xs(i), ys(sr.get(p)))
		}
		fmt.Fprintf(&s, `"><title>%s</title></polyline>`, sr.class)
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}

func maxInt(m int, ns ...int) int {
	for _, n := range ns {
		if n > m {
			m = n
		}
	}
	return m
}

func esc(s string) string { return template.HTMLEscapeString(s) }

// clip shortens s to n runes with an ellipsis.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
