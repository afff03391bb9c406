package rules

import (
	"path"
	"strings"

	"github.com/berth-dev/berth/internal/audit/fact"
)

// dockerCmd is a docker (or docker compose) command line, understood.
type dockerCmd struct {
	// Sub is the normalised subcommand: "rm", "stop", "restart", "wait",
	// "system prune", "volume prune", "image prune", "compose up",
	// "compose down"... (container X is X; buildx prune is builder prune).
	Sub string
	// Flags are the options after the subcommand by name without dashes
	// ("f", "force", "t", "filter"); a flag without a value maps to "".
	// A repeated flag keeps every value.
	Flags map[string][]string
	// Args are the positional arguments after the subcommand.
	Args []string
	// Compose only: the -f files and the -p project (ProjectSet when given).
	Files      []string
	Project    string
	ProjectSet bool
}

func (d dockerCmd) has(names ...string) bool {
	for _, n := range names {
		if vs, ok := d.Flags[n]; ok && (len(vs) == 0 || vs[len(vs)-1] != "false") {
			return true
		}
	}
	return false
}

func (d dockerCmd) value(names ...string) (string, bool) {
	for _, n := range names {
		if vs := d.Flags[n]; len(vs) > 0 {
			return vs[len(vs)-1], true
		}
	}
	return "", false
}

// wrappers are programs that run the command after their own options.
var wrappers = map[string]map[string]bool{ // name -> its options that take a value
	"sudo":    {"u": true, "g": true, "C": true, "h": true, "p": true, "user": true, "group": true},
	"command": {}, "exec": {}, "nohup": {}, "time": {}, "nice": {"n": true}, "stdbuf": {},
	"env":     {"u": true, "C": true, "S": true},
	"timeout": {"s": true, "k": true, "signal": true, "kill-after": true},
	"xargs":   {"n": true, "I": true, "P": true, "L": true, "s": true, "d": true, "E": true, "a": true, "max-procs": true},
}

// unwrap drops wrapper programs (sudo, env, timeout 30, xargs -r ...)
// and returns the command they run.
func unwrap(args []string) []string {
	for len(args) > 0 {
		valued, ok := wrappers[path.Base(args[0])]
		if !ok {
			return args
		}
		name := path.Base(args[0])
		args = args[1:]
		for len(args) > 0 {
			a := args[0]
			switch {
			case strings.HasPrefix(a, "-") && a != "-" && a != "--":
				args = args[1:]
				if valued[strings.TrimLeft(a, "-")] && !strings.Contains(a, "=") && len(args) > 0 {
					args = args[1:]
				}
				continue
			case a == "--":
				args = args[1:]
			case name == "env" && strings.Contains(a, "=") && !strings.HasPrefix(a, "="):
				args = args[1:]
				continue
			case name == "timeout":
				args = args[1:] // the duration
			}
			break
		}
	}
	return args
}

// IsDocker reports whether argv (after wrappers) runs docker or
// docker-compose.
func IsDocker(argv []string) bool {
	a := unwrap(argv)
	if len(a) == 0 {
		return false
	}
	b := path.Base(a[0])
	return b == "docker" || b == "docker-compose" || b == "docker.exe"
}

// globalValued are docker's and compose's global options with a value.
var globalValued = map[string]bool{"H": true, "host": true, "c": true, "context": true, "config": true, "l": true,
	"log-level": true, "tlscacert": true, "tlscert": true, "tlskey": true,
	"f": true, "file": true, "p": true, "project-name": true, "project-directory": true, "env-file": true,
	"profile": true, "ansi": true, "progress": true, "parallel": true}

// valued are subcommand options that take a value.
var valued = map[string]bool{"t": true, "time": true, "timeout": true, "s": true, "signal": true, "filter": true,
	"format": true, "type": true, "condition": true, "rmi": true, "scale": true, "wait-timeout": true,
	"exit-code-from": true, "pull": true, "name": true, "e": true, "env": true, "w": true, "workdir": true,
	"u": true, "user": true, "label": true, "until": true}

// management commands whose next word is the verb.
var management = map[string]bool{"container": true, "image": true, "volume": true, "network": true, "system": true,
	"builder": true, "buildx": true}

// parseDocker understands argv as a docker command; ok is false for any
// other program, or when the subcommand is not known statically.
func parseDocker(argv []string) (d dockerCmd, ok bool) {
	a := unwrap(argv)
	if len(a) == 0 {
		return d, false
	}
	compose := false
	switch path.Base(a[0]) {
	case "docker-compose":
		compose = true
	case "docker", "docker.exe":
	default:
		return d, false
	}
	d.Flags = map[string][]string{}
	rest := a[1:]
	// global options, then the subcommand words
	var words []string
	for len(rest) > 0 {
		w := rest[0]
		if strings.HasPrefix(w, "-") && len(w) > 1 {
			name, val, hasVal := strings.Cut(strings.TrimLeft(w, "-"), "=")
			rest = rest[1:]
			if globalValued[name] && !hasVal && len(rest) > 0 {
				val, rest = rest[0], rest[1:]
			}
			if compose || len(words) > 0 {
				d.composeGlobal(name, val)
			}
			continue
		}
		if !fact.Known(w) {
			return d, false
		}
		words = append(words, w)
		rest = rest[1:]
		if !compose && len(words) == 1 && w == "compose" {
			compose = true
			words = nil
			continue
		}
		if len(words) == 2 || !management[words[0]] {
			break
		}
	}
	if len(words) == 0 {
		return d, false
	}
	d.Sub = normalise(words, compose)
	d.flags(rest)
	return d, true
}

func (d *dockerCmd) composeGlobal(name, val string) {
	switch name {
	case "f", "file":
		d.Files = append(d.Files, val)
	case "p", "project-name":
		d.Project, d.ProjectSet = val, true
	}
}

// normalise names a subcommand: "container rm" is "rm", "buildx prune"
// is "builder prune", compose subcommands get a "compose " prefix.
func normalise(words []string, compose bool) string {
	if compose {
		return "compose " + words[0]
	}
	if len(words) == 2 {
		switch {
		case words[0] == "container" && words[1] == "remove":
			return "rm"
		case words[0] == "container" && words[1] != "prune":
			return words[1]
		case words[0] == "buildx":
			return "builder " + words[1]
		}
		return words[0] + " " + words[1]
	}
	return words[0]
}

// flags reads the subcommand's options and positional arguments.
// Combined short flags (-af) are split; the first one that takes a value
// takes the rest of the word (-t0) or the next word.
func (d *dockerCmd) flags(rest []string) {
	for i := 0; i < len(rest); i++ {
		w := rest[i]
		switch {
		case w == "--":
			d.Args = append(d.Args, rest[i+1:]...)
			return
		case strings.HasPrefix(w, "--"):
			name, val, hasVal := strings.Cut(w[2:], "=")
			if valued[name] && !hasVal && i+1 < len(rest) {
				i++
				val = rest[i]
			}
			d.Flags[name] = append(d.Flags[name], val)
		case strings.HasPrefix(w, "-") && len(w) > 1:
			for j := 1; j < len(w); j++ {
				name := w[j : j+1]
				if valued[name] {
					val := w[j+1:]
					if val == "" && i+1 < len(rest) {
						i++
						val = rest[i]
					}
					d.Flags[name] = append(d.Flags[name], strings.TrimPrefix(val, "="))
					break
				}
				d.Flags[name] = append(d.Flags[name], "")
			}
		default:
			d.Args = append(d.Args, w)
		}
	}
}
