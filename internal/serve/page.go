package serve

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/berth-dev/berth/internal/memory"
)

var (
	//go:embed page.html
	pageHTML string
	//go:embed page.js
	pageJS string
)

// chartColors are the lines' colours (page.js has the same list).
var chartColors = []string{"#2a7", "#27c", "#c52", "#a3c", "#c90", "#3aa", "#777", "#e48"}

var page = template.Must(template.New("page").Funcs(template.FuncMap{
	"bytes": func(n int64) string { return memory.Bytes(n) },
	"ms":    func(s float64) string { return fmt.Sprintf("%.1f ms", s*1000) },
	"clock": func(t time.Time) string { return t.Local().Format(time.TimeOnly) },
	"dur":   func(d time.Duration) string { return d.Round(time.Millisecond).String() },
	"age":   func(t time.Time) string { return ageText(time.Since(t)) },
	"barWidth": func(p float64) string {
		return fmt.Sprintf("%.1f", min(p, 100))
	},
	"chart": chartHTML,
}).Parse(pageHTML))

// ageText is a short age: 42s, 5m, 1.5h, 2d.
func ageText(d time.Duration) string {
	s := max(d.Seconds(), 0)
	switch {
	case s < 60:
		return fmt.Sprintf("%.0fs", s)
	case s < 3600:
		return fmt.Sprintf("%.0fm", s/60)
	case s < 86400:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", s/3600), ".0") + "h"
	}
	return strings.TrimSuffix(fmt.Sprintf("%.1f", s/86400), ".0") + "d"
}

// axisText is a chart's top value in its unit: "12.5 ms", "64 MiB", "0.85".
func axisText(v float64, unit string) string {
	switch unit {
	case "s":
		return fmt.Sprintf("%.1f ms", v*1000)
	case "B":
		return memory.Bytes(int64(v))
	}
	return fmt.Sprintf("%.3g", v)
}

// chartHTML draws one chart of one series or several as inline SVG; unit
// is "s", "B" or "" (a plain number).
func chartHTML(title, unit string, from, to int64, v any) template.HTML {
	var series []Series
	switch s := v.(type) {
	case Series:
		series = []Series{s}
	case []Series:
		series = s
	}
	t := top(series...)
	var b strings.Builder
	fmt.Fprintf(&b, `<div class="chart"><div>%s <span class="mute">max %s</span></div>`, template.HTMLEscapeString(title),
		template.HTMLEscapeString(axisText(t, unit)))
	fmt.Fprintf(&b, `<svg viewBox="0 0 %.0f %.0f" preserveAspectRatio="none">`, chartW, chartH)
	for i, s := range series {
		fmt.Fprintf(&b, `<path stroke="%s" d="%s"><title>%s</title></path>`, chartColors[i%len(chartColors)],
			svgPath(s.Points, from, to, t), template.HTMLEscapeString(s.Name))
	}
	b.WriteString(`</svg></div>`)
	return template.HTML(b.String()) //nolint:gosec // every piece above is escaped or numeric
}

// servePage renders the status page.
func (s *Server) servePage(w http.ResponseWriter, r *http.Request) {
	st := s.status(r.Context())
	var buf bytes.Buffer
	err := page.Execute(&buf, struct {
		Status
		Script template.JS
	}{st, template.JS(pageJS)}) //nolint:gosec // our own embedded script
	if err != nil {
		http.Error(w, "render status page: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:")
	_, _ = w.Write(buf.Bytes())
}
