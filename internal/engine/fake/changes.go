package fake

import (
	"fmt"
	"strings"
)

// parseChanges returns the labels and environment that Dockerfile-style
// import changes set, and an error for an instruction import refuses.
func parseChanges(changes []string) (map[string]string, []string, error) {
	labels := map[string]string{}
	var env []string
	for _, ch := range changes {
		instr, rest, _ := strings.Cut(strings.TrimSpace(ch), " ")
		instr = strings.ToUpper(instr)
		if !importInstruction(instr) {
			return nil, nil, fmt.Errorf("parse change %q: %s is not a valid change command", ch, instr)
		}
		if instr != "ENV" && instr != "LABEL" {
			continue
		}
		for _, kv := range parsePairs(rest) {
			if instr == "LABEL" {
				labels[kv[0]] = kv[1]
			} else {
				env = append(env, kv[0]+"="+kv[1])
			}
		}
	}
	return labels, env, nil
}

// parsePairs splits `k=v k2="v 2"` into ordered key, value pairs; the
// legacy `K some value` form (first word without "=") is one pair.
func parsePairs(s string) [][2]string {
	s = strings.TrimSpace(s)
	first, rest, _ := strings.Cut(s, " ")
	if !strings.Contains(first, "=") {
		return [][2]string{{first, strings.TrimSpace(rest)}}
	}
	var out [][2]string
	var word strings.Builder
	quoted := false
	flush := func() {
		if k, v, ok := strings.Cut(word.String(), "="); ok {
			out = append(out, [2]string{k, v})
		}
		word.Reset()
	}
	for _, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
		case r == ' ' && !quoted:
			flush()
		default:
			word.WriteRune(r)
		}
	}
	flush()
	return out
}

// importInstruction reports whether an import accepts Dockerfile
// instruction instr.
func importInstruction(instr string) bool {
	switch instr {
	case "CMD", "ENTRYPOINT", "ENV", "EXPOSE", "HEALTHCHECK", "LABEL",
		"ONBUILD", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR":
		return true
	}
	return false
}
