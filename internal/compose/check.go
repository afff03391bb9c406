package compose

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"
)

// source is one compose file: its absolute path, the name errors show, and
// its content (read once, walked here and handed to compose-go).
type source struct {
	path    string
	display string
	content []byte
}

// displayName is path relative to dir when it lies inside dir, else path.
func displayName(dir, path string) string {
	if rel, err := filepath.Rel(dir, path); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return path
}

// readSource reads one compose file; a missing or unreadable file is an *Error.
func readSource(dir, path string, rd *reads) (source, error) {
	s := source{path: path, display: displayName(dir, path)}
	b, err := os.ReadFile(path)
	rd.file(path, b, err != nil)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return s, &Error{File: s.display, Msg: "compose file not found"}
	case err != nil:
		return s, &Error{File: s.display, Msg: "read compose file: " + err.Error()}
	}
	s.content = b
	return s, nil
}

var yamlPos = regexp.MustCompile(`line (\d+)(, column \d+)?: `)

// yamlError turns a YAML syntax error into an *Error at its line. The
// yaml package prints the parser's marks 0-based and the scanner's and
// composer's 1-based; the position of the problem (the last one in the message) is
// converted to a 1-based line and the message keeps only the problem.
func yamlError(file string, err error) *Error {
	msg := err.Error()
	e := &Error{File: file, Msg: "malformed YAML: " + strings.TrimPrefix(msg, "yaml: ")}
	all := yamlPos.FindAllStringSubmatchIndex(msg, -1)
	if len(all) == 0 {
		return e
	}
	last := all[len(all)-1]
	line, _ := strconv.Atoi(msg[last[2]:last[3]])
	if fmt.Sprintf("%T", err) == "libyaml.ParserError" { // from a 0-based mark; *ParserError has a node's 1-based line
		line++
	}
	e.Line = line
	e.Msg = "malformed YAML: " + msg[last[1]:]
	return e
}

// parseDocs parses every YAML document of a file into nodes; malformed
// YAML is an *Error with the line yaml reports.
func parseDocs(s source) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(s.content))
	var docs []*yaml.Node
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, yamlError(s.display, err)
		}
		if len(doc.Content) == 0 {
			continue
		}
		root := deref(doc.Content[0])
		if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
			continue
		}
		if root.Kind != yaml.MappingNode {
			return nil, &Error{File: s.display, Line: root.Line, Msg: "top level of a compose file must be a mapping"}
		}
		docs = append(docs, root)
	}
}

// checkSources walks every file against the allow-list, then the services
// they extend from other files (only those services), recording key
// locations in locs and valueless variable names in bare. It returns every
// problem found, joined.
func checkSources(dir string, srcs []source, locs *locations, bare map[string]bool, rd *reads) error {
	type target struct{ path, service string }
	var (
		errs    []error
		queue   []target
		visited = map[target]bool{}
	)
	walkOne := func(s source, only map[string]bool) {
		docs, err := parseDocs(s)
		if err != nil {
			errs = append(errs, err)
			return
		}
		w := &walker{file: s.display, locs: locs, only: only, bare: bare}
		for _, d := range docs {
			w.walk(d, fileRule(), "")
		}
		errs = append(errs, w.errs...)
		for _, ref := range w.extends {
			switch {
			case ref.file != "":
				if strings.Contains(ref.file, "$") {
					rd.cannotCache() // the file compose-go reads is not known here
					continue         // interpolated name: compose-go resolves it; berth cannot check it here
				}
				p := ref.file
				if !filepath.IsAbs(p) {
					p = filepath.Join(filepath.Dir(s.path), p)
				}
				queue = append(queue, target{filepath.Clean(p), ref.service})
			case only != nil: // same file, reached through extends: check that service too
				queue = append(queue, target{s.path, ref.service})
			}
		}
	}
	for _, s := range srcs {
		walkOne(s, nil)
	}
	for len(queue) > 0 {
		t := queue[0]
		queue = queue[1:]
		if visited[t] {
			continue
		}
		visited[t] = true
		s, err := readSource(dir, t.path, rd)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		walkOne(s, map[string]bool{t.service: true})
	}
	return errors.Join(errs...)
}
