package pyscan

import (
	"strings"

	"github.com/berth-dev/berth/internal/audit/pytok"
)

// sdkModules are the top-level modules that talk to the Docker daemon.
var sdkModules = map[string]bool{"docker": true, "testcontainers": true, "python_on_whales": true, "pytest_docker": true}

// imports maps the names an import statement binds to what they stand
// for: import subprocess as sp -> sp: subprocess; from os import system
// -> system: os.system. It reports whether a Docker SDK was imported.
func imports(toks []pytok.Token, into map[string]string) (sdk bool) {
	switch firstWord(toks) {
	case "import":
		for _, item := range splitTop(toks[1:], ",") {
			mod, alias := importItem(item)
			sdk = sdk || sdkModules[strings.Split(mod, ".")[0]]
			if alias == "" {
				alias = strings.Split(mod, ".")[0]
				mod = alias
			}
			into[alias] = mod
		}
	case "from":
		i := 1
		var mod strings.Builder
		for ; i < len(toks) && !toks[i].IsName("import"); i++ {
			mod.WriteString(toks[i].Text)
		}
		sdk = sdkModules[strings.Split(strings.TrimLeft(mod.String(), "."), ".")[0]]
		rest := toks[min(i+1, len(toks)):]
		if len(rest) > 0 && rest[0].IsOp("(") {
			rest = rest[1 : len(rest)-1]
		}
		for _, item := range splitTop(rest, ",") {
			name, alias := importItem(item)
			if alias == "" {
				alias = name
			}
			if name != "" && name != "*" {
				into[alias] = mod.String() + "." + name
			}
		}
	}
	return sdk
}

// importItem reads "a.b" or "a.b as c".
func importItem(item []pytok.Token) (name, alias string) {
	var b strings.Builder
	for i, tk := range item {
		if tk.IsName("as") && i+1 < len(item) {
			return b.String(), item[i+1].Text
		}
		b.WriteString(tk.Text)
	}
	return b.String(), ""
}

// resolve expands the first component of a dotted name through the
// file's imports: sp.run -> subprocess.run, run -> subprocess.run.
func resolve(dotted string, names map[string]string) string {
	head, rest, found := strings.Cut(dotted, ".")
	full, ok := names[head]
	if !ok {
		return dotted
	}
	if found {
		return full + "." + rest
	}
	return full
}
