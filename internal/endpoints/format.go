package endpoints

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// Formats lists the formats [Write] accepts.
var Formats = []string{"shell", "dotenv", "json"}

// Write prints vars in format: "shell" (export K='v' lines, for eval),
// "dotenv" (K=v lines) or "json" (one object). Keys are sorted.
func Write(w io.Writer, format string, vars map[string]string) error {
	keys := slices.Sorted(maps.Keys(vars))
	switch format {
	case "shell":
		for _, k := range keys {
			if _, err := fmt.Fprintf(w, "export %s=%s\n", k, shellQuote(vars[k])); err != nil {
				return err
			}
		}
	case "dotenv":
		for _, k := range keys {
			if _, err := fmt.Fprintf(w, "%s=%s\n", k, vars[k]); err != nil {
				return err
			}
		}
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(vars)
	default:
		return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
	}
	return nil
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
