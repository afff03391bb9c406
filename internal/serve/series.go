package serve

import "time"

// Point is one sample of a chart: T in Unix milliseconds.
type Point struct {
	T int64   `json:"t"`
	V float64 `json:"v"`
}

// Series is a named line of a chart.
type Series struct {
	Name   string  `json:"name"`
	Points []Point `json:"points"`
}

// window is how much history the charts keep.
const window = time.Hour

// appendWithin appends p to pts and drops the points older than window
// before p's time. The slice is reused; callers copy it out.
func appendWithin(pts []Point, p Point) []Point {
	pts = append(pts, p)
	cut := p.T - window.Milliseconds()
	i := 0
	for i < len(pts) && pts[i].T < cut {
		i++
	}
	if i > 0 {
		pts = append(pts[:0], pts[i:]...)
	}
	return pts
}

// perMinute buckets event times into counts per minute over [from, to),
// divided by div (60 gives a rate per second; 1 a count). Every minute of
// the window has its point, zero or not, so a quiet hour draws flat.
func perMinute(times []time.Time, from, to time.Time, div float64) []Point {
	from = from.Truncate(time.Minute)
	n := int(to.Sub(from)/time.Minute) + 1
	counts := make([]float64, n)
	for _, t := range times {
		if t.Before(from) || !t.Before(to) {
			continue
		}
		counts[int(t.Sub(from)/time.Minute)]++
	}
	out := make([]Point, n)
	for i, c := range counts {
		out[i] = Point{T: from.Add(time.Duration(i) * time.Minute).UnixMilli(), V: c / div}
	}
	return out
}
