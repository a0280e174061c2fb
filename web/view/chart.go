package view

import (
	"fmt"
	"strconv"
	"strings"
)

// The charts are server-rendered SVG: shapes carry presentation attributes and
// classes (the CSP allows no style attributes), every value is also written as
// text, and each chart has a title and a description for screen readers.

// Bar is one bar of a horizontal bar chart.
type Bar struct {
	Label string
	Value float64
	Text  string // the value as shown; empty: the value with up to 3 decimals
}

// Point is one point of a line chart.
type Point struct {
	Label string
	Value float64
}

// Heatmap is a matrix of counts, drawn as a table whose cells are shaded by count.
type Heatmap struct {
	Caption  string
	RowTitle string // what rows are (e.g. the first annotator)
	ColTitle string
	Rows     []string
	Cols     []string
	Cells    [][]int
}

// chart geometry, in SVG user units.
const (
	chartW     = 640
	barRow     = 26
	barLabelW  = 150
	barValueW  = 70
	lineH      = 200
	lineLeft   = 44
	lineBottom = 26
	lineTop    = 12
)

func num(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// barGeom is a bar placed in its chart.
type barGeom struct {
	Bar
	Y, W float64
}

func barGeoms(bars []Bar, max float64) []barGeom {
	if max <= 0 {
		for _, b := range bars {
			max = maxf(max, b.Value)
		}
	}
	out := make([]barGeom, len(bars))
	span := float64(chartW - barLabelW - barValueW)
	for i, b := range bars {
		w := 0.0
		if max > 0 {
			w = span * clamp01(b.Value/max)
		}
		if b.Text == "" {
			b.Text = trimNum(b.Value)
		}
		out[i] = barGeom{Bar: b, Y: float64(i * barRow), W: w}
	}
	return out
}

func barHeight(n int) string { return fmt.Sprint(n*barRow + 4) }

// lineGeom is a line chart's shapes.
type lineGeom struct {
	Path, Area string
	Dots       []dot
	Ticks      []tick
	Max        float64
}

type dot struct {
	X, Y  float64
	Title string
}

type tick struct {
	X      float64
	Label  string
	Anchor string // the last tick ends at its point, to stay inside the chart
}

func lineGeoms(points []Point) lineGeom {
	var g lineGeom
	for _, p := range points {
		g.Max = maxf(g.Max, p.Value)
	}
	top := g.Max
	if top <= 0 {
		top = 1
	}
	n := len(points)
	plotW := float64(chartW - lineLeft - 10)
	plotH := float64(lineH - lineTop - lineBottom)
	var path strings.Builder
	for i, p := range points {
		x := float64(lineLeft)
		if n > 1 {
			x += plotW * float64(i) / float64(n-1)
		}
		y := float64(lineTop) + plotH*(1-p.Value/top)
		if i == 0 {
			fmt.Fprintf(&path, "M%s %s", num(x), num(y))
		} else {
			fmt.Fprintf(&path, " L%s %s", num(x), num(y))
		}
		g.Dots = append(g.Dots, dot{X: x, Y: y, Title: fmt.Sprintf("%s: %s", p.Label, trimNum(p.Value))})
		if step := max(1, n/6); i%step == 0 || i == n-1 {
			if i == n-1 && len(g.Ticks) > 0 && x-g.Ticks[len(g.Ticks)-1].X < 60 {
				g.Ticks = g.Ticks[:len(g.Ticks)-1]
			}
			anchor := "middle"
			if i == n-1 && n > 1 {
				anchor = "end"
			}
			g.Ticks = append(g.Ticks, tick{X: x, Label: p.Label, Anchor: anchor})
		}
	}
	g.Path = path.String()
	if n > 0 {
		base := num(float64(lineTop) + plotH)
		g.Area = g.Path + fmt.Sprintf(" L%s %s L%s %s Z", num(g.Dots[n-1].X), base, num(g.Dots[0].X), base)
	}
	return g
}

// heatClass shades a cell from h0 (none) to h5 (the largest count).
func heatClass(v, max int) string {
	if v <= 0 || max <= 0 {
		return "h0"
	}
	return fmt.Sprintf("h%d", 1+4*v/max)
}

func (h Heatmap) max() int {
	m := 0
	for _, r := range h.Cells {
		for _, v := range r {
			m = max(m, v)
		}
	}
	return m
}

func trimNum(v float64) string {
	s := strconv.FormatFloat(v, 'f', 3, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		return "0"
	}
	return s
}

func maxf(a, b float64) float64 {
	if a > b {
		return a
	}
	return b
}

func clamp01(v float64) float64 {
	return min(1, max(0, v))
}
