package fake

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// stage is one FROM section of a Dockerfile, as far as the fake models it.
type stage struct {
	base   string            // FROM reference, build args substituted
	name   string            // "AS" name, lower case; "" if none
	labels map[string]string // set by LABEL, in order
	env    []string          // set by ENV, KEY=VALUE
	copies []string          // COPY/ADD sources that must be in the context
}

// buildInstructions are the instructions the daemon's parser knows.
var buildInstructions = map[string]bool{
	"FROM": true, "RUN": true, "CMD": true, "LABEL": true, "MAINTAINER": true, "EXPOSE": true,
	"ENV": true, "ADD": true, "COPY": true, "ENTRYPOINT": true, "VOLUME": true, "USER": true,
	"WORKDIR": true, "ARG": true, "ONBUILD": true, "STOPSIGNAL": true, "HEALTHCHECK": true, "SHELL": true,
}

// parseDockerfile splits text into its stages, substituting build args
// (args override ARG defaults; a nil value leaves the default) in FROM,
// LABEL, ENV and COPY/ADD. Errors use the daemon's wording where it has one.
func parseDockerfile(text string, args map[string]*string) ([]stage, error) {
	var (
		stages []stage
		global = map[string]string{} // ARGs before the first FROM
		vars   map[string]string     // ARGs and ENVs of the current stage
	)
	argValue := func(decl string) (string, string) {
		k, def, hasDef := strings.Cut(decl, "=")
		if v, ok := args[k]; ok && v != nil {
			return k, *v
		}
		if !hasDef {
			def = global[k]
		}
		return k, def
	}
	for _, l := range logicalLines(text) {
		n := l.n
		instr, rest, _ := strings.Cut(l.text, " ")
		instr, rest = strings.ToUpper(instr), strings.TrimSpace(rest)
		if !buildInstructions[instr] {
			return nil, fmt.Errorf("dockerfile parse error line %d: unknown instruction: %s", n, instr)
		}
		if instr == "ARG" && stages == nil {
			k, v := argValue(rest)
			global[k] = v
			continue
		}
		if instr == "FROM" {
			st, err := parseFrom(n, os.Expand(rest, func(k string) string { return global[k] }))
			if err != nil {
				return nil, err
			}
			stages, vars = append(stages, st), map[string]string{}
			continue
		}
		if stages == nil {
			return nil, fmt.Errorf("dockerfile line %d: %s before any FROM: every build stage starts with FROM", n, instr)
		}
		st := &stages[len(stages)-1]
		expanded := os.Expand(rest, func(k string) string { return vars[k] })
		switch instr {
		case "ARG":
			k, v := argValue(rest)
			vars[k] = v
		case "LABEL", "ENV":
			for _, kv := range parsePairs(expanded) {
				if instr == "LABEL" {
					st.labels[kv[0]] = kv[1]
				} else {
					st.env = append(st.env, kv[0]+"="+kv[1])
					vars[kv[0]] = kv[1]
				}
			}
		case "COPY", "ADD":
			srcs, err := copySources(n, instr, expanded)
			if err != nil {
				return nil, err
			}
			st.copies = append(st.copies, srcs...)
		}
	}
	if len(stages) == 0 {
		return nil, fmt.Errorf("dockerfile has no FROM instruction")
	}
	return stages, nil
}

// parseFrom parses "FROM [--platform=p] ref [AS name]".
func parseFrom(n int, rest string) (stage, error) {
	var words []string
	for _, w := range strings.Fields(rest) {
		if !strings.HasPrefix(w, "--") {
			words = append(words, w)
		}
	}
	st := stage{labels: map[string]string{}}
	switch {
	case len(words) == 1:
	case len(words) == 3 && strings.EqualFold(words[1], "AS"):
		st.name = strings.ToLower(words[2])
	default:
		return stage{}, fmt.Errorf("dockerfile line %d: FROM requires either one or three arguments", n)
	}
	st.base = words[0]
	return st, nil
}

// copySources returns the sources of a COPY or ADD that must exist in the
// context: not those of a COPY --from, URLs or wildcard patterns.
func copySources(n int, instr, rest string) ([]string, error) {
	var words []string
	if strings.HasPrefix(rest, "[") {
		if err := json.Unmarshal([]byte(rest), &words); err != nil {
			return nil, fmt.Errorf("dockerfile line %d: %s: malformed JSON array: %w", n, instr, err)
		}
	} else {
		words = strings.Fields(rest)
	}
	var srcs []string
	for _, w := range words {
		switch {
		case strings.HasPrefix(w, "--from"):
			return nil, nil
		case !strings.HasPrefix(w, "--"):
			srcs = append(srcs, w)
		}
	}
	if len(srcs) < 2 {
		return nil, fmt.Errorf("dockerfile line %d: %s requires at least two arguments", n, instr)
	}
	srcs = srcs[:len(srcs)-1] // the last word is the destination
	var out []string
	for _, s := range srcs {
		if !strings.Contains(s, "://") && !strings.ContainsAny(s, "*?[") {
			out = append(out, s)
		}
	}
	return out, nil
}

// logicalLines joins continuation lines (a trailing backslash) and drops
// comments and blank lines; each logical line keeps the 1-based number of
// the line it starts on.
func logicalLines(text string) []numberedLine {
	var out []numberedLine
	var cur strings.Builder
	start := 0
	for i, raw := range strings.Split(text, "\n") {
		l := strings.TrimSpace(strings.TrimRight(raw, "\r"))
		if strings.HasPrefix(l, "#") || (l == "" && cur.Len() == 0) {
			continue
		}
		if cur.Len() == 0 {
			start = i + 1
		}
		if body, ok := strings.CutSuffix(l, `\`); ok {
			cur.WriteString(body + " ")
			continue
		}
		cur.WriteString(l)
		out = append(out, numberedLine{start, strings.TrimSpace(cur.String())})
		cur.Reset()
	}
	if cur.Len() > 0 {
		out = append(out, numberedLine{start, strings.TrimSpace(cur.String())})
	}
	return out
}

// numberedLine is a logical Dockerfile line and the line it starts on.
type numberedLine struct {
	n    int
	text string
}
