package shscan

import (
	"path"
	"strings"
)

// shells are the programs whose -c argument is a shell script.
var shells = map[string]bool{"sh": true, "bash": true, "dash": true, "zsh": true, "ksh": true, "ash": true}

// ShellC returns the script of an argument vector that runs a shell on
// one: "sh -c SCRIPT", "bash -lc SCRIPT", "/bin/sh -ec SCRIPT". ok is
// false for any other vector. The script may hold unknown parts.
func ShellC(args []string) (script string, ok bool) {
	if len(args) < 3 || !shells[path.Base(args[0])] {
		return "", false
	}
	for i := 1; i < len(args)-1; i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || strings.HasPrefix(a, "--") {
			return "", false
		}
		if strings.Contains(a, "c") {
			return args[i+1], true
		}
	}
	return "", false
}
