package render

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/berth-dev/berth/internal/audit"
)

// Format is an output format.
type Format string

// Formats.
const (
	Markdown Format = "markdown"
	JSON     Format = "json"
	SARIF    Format = "sarif"
)

// ParseFormat reads "markdown" (or "md"), "json" or "sarif".
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "markdown", "md":
		return Markdown, nil
	case "json":
		return JSON, nil
	case "sarif":
		return SARIF, nil
	}
	return "", fmt.Errorf("unknown format %q (want markdown, json or sarif)", s)
}

// Write writes r to w in format f.
func Write(w io.Writer, f Format, r audit.Report) error {
	switch f {
	case Markdown:
		return WriteMarkdown(w, r)
	case JSON:
		return writeJSON(w, r)
	case SARIF:
		return writeJSON(w, NewSARIF(r))
	}
	return fmt.Errorf("unknown format %q", f)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
