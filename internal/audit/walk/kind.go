package walk

import (
	"path"
	"strings"
)

// Kind is what a file is to berth audit.
type Kind int

// Kinds.
const (
	Other        Kind = iota
	Python            // *.py, or a python shebang
	Go                // *.go
	Shell             // *.sh, *.bash, or a sh/bash shebang
	Makefile          // Makefile, GNUmakefile, *.mk
	CI                // a CI system's pipeline file
	YAML              // any other YAML file: a compose file when named so or referenced
	PytestConfig      // pytest.ini, tox.ini, setup.cfg, pyproject.toml
)

// ciFiles are the pipeline files at fixed places; ciDirs hold pipeline
// files.
var (
	ciFiles = map[string]bool{".gitlab-ci.yml": true, ".circleci/config.yml": true, "azure-pipelines.yml": true,
		"bitbucket-pipelines.yml": true, ".drone.yml": true, ".woodpecker.yml": true, ".travis.yml": true,
		".buildkite/pipeline.yml": true}
	ciDirs = []string{".github/workflows/", ".woodpecker/", ".gitlab/ci/", ".buildkite/"}
)

// kindOf classifies by name alone; Other files without an extension may
// still be scripts (see [shebang]).
func kindOf(rel string) Kind {
	base := path.Base(rel)
	ext := path.Ext(base)
	switch {
	case ext == ".py":
		return Python
	case ext == ".go":
		return Go
	case ext == ".sh" || ext == ".bash":
		return Shell
	case base == "Makefile" || base == "makefile" || base == "GNUmakefile" || ext == ".mk":
		return Makefile
	case base == "pytest.ini" || base == "tox.ini" || base == "setup.cfg" || base == "pyproject.toml":
		return PytestConfig
	case ext == ".yml" || ext == ".yaml":
		if ciFiles[rel] {
			return CI
		}
		for _, d := range ciDirs {
			if strings.HasPrefix(rel, d) {
				return CI
			}
		}
		return YAML
	}
	return Other
}

// shebang classifies an extension-less file by its first line.
func shebang(first []byte) Kind {
	line := string(first)
	if !strings.HasPrefix(line, "#!") {
		return Other
	}
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	fields := strings.Fields(line[2:])
	if len(fields) == 0 {
		return Other
	}
	prog := path.Base(fields[0])
	if prog == "env" && len(fields) > 1 {
		prog = fields[1]
		if prog == "-S" && len(fields) > 2 {
			prog = fields[2]
		}
	}
	switch {
	case prog == "sh" || prog == "bash" || prog == "dash" || prog == "ksh" || prog == "zsh" || prog == "ash":
		return Shell
	case strings.HasPrefix(prog, "python"):
		return Python
	}
	return Other
}

// testDirs are directory names that hold test code.
var testDirs = map[string]bool{"test": true, "tests": true, "testing": true, "e2e": true, "integration": true,
	"integration_tests": true, "integration-tests": true, "it": true, "spec": true}

// IsTest reports whether rel is test code: a Go _test.go file, a Python
// test module or conftest.py, or any file under a test directory.
func IsTest(rel string) bool {
	base := path.Base(rel)
	switch {
	case strings.HasSuffix(base, "_test.go"), base == "conftest.py",
		strings.HasPrefix(base, "test_") && strings.HasSuffix(base, ".py"),
		strings.HasSuffix(base, "_test.py"):
		return true
	}
	for _, d := range strings.Split(path.Dir(rel), "/") {
		if testDirs[d] {
			return true
		}
	}
	return false
}
