package serve

import (
	"fmt"
	"strings"
)

// Chart geometry, in SVG user units.
const (
	chartW = 600.0
	chartH = 120.0
)

// svgPath draws pts as an SVG path over [from, to] (Unix ms) on the x
// axis and [0, top] on the y axis, inside chartW x chartH (y grows
// downward). Points outside the time range are left out; "" when none is
// left. The page's script draws refreshed charts the same way (path in
// page.js).
func svgPath(pts []Point, from, to int64, top float64) string {
	if to <= from || top <= 0 {
		return ""
	}
	var b strings.Builder
	for _, p := range pts {
		if p.T < from || p.T > to {
			continue
		}
		x := float64(p.T-from) / float64(to-from) * chartW
		y := chartH - min(p.V/top, 1)*chartH
		cmd := "L"
		if b.Len() == 0 {
			cmd = "M"
		}
		fmt.Fprintf(&b, "%s%.1f %.1f ", cmd, x, y)
	}
	return strings.TrimSpace(b.String())
}

// top is the y axis' upper bound for series: the largest value, 1 when
// all are zero.
func top(series ...Series) float64 {
	m := 0.0
	for _, s := range series {
		for _, p := range s.Points {
			m = max(m, p.V)
		}
	}
	if m == 0 {
		return 1
	}
	return m
}
