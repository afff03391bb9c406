package compose

import (
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"
)

// walker checks the raw YAML of one file against the allow-list, before
// compose-go merges and fills in defaults, so errors name the user's own
// file, key and line. It records every key's location in locs.
type walker struct {
	file    string // display name
	locs    *locations
	errs    []error
	extends []extendsRef
	bare    map[string]bool // valueless environment / build arg names
	// only, when set, restricts the walk to these services (a file reached
	// through extends.file: only the extended service matters).
	only map[string]bool
}

// extendsRef is a service another service extends; file is "" for the same file.
type extendsRef struct {
	file    string
	service string
}

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func (w *walker) fail(line int, key, msg string) {
	w.errs = append(w.errs, &Error{File: w.file, Line: line, Key: key, Msg: msg})
}

func (w *walker) walk(n *yaml.Node, r *rule, path string) {
	n = deref(n)
	if n == nil || n.Tag == "!reset" {
		return
	}
	if r.check != nil && n.Kind == yaml.ScalarNode && !strings.Contains(n.Value, "$") {
		if msg := r.check(n); msg != "" {
			w.fail(n.Line, path, msg)
		}
	}
	if r.bare {
		w.noteBare(n)
	}
	switch n.Kind {
	case yaml.MappingNode:
		if r.keys != nil || r.anyKey != nil {
			w.walkMapping(n, r, path)
		}
		if r.service {
			w.noteExtends(n)
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			item = deref(item)
			switch {
			case item.Kind == yaml.ScalarNode:
				w.locs.set(join(path, item.Value), loc{w.file, item.Line})
			case item.Kind == yaml.MappingNode && r.items != nil:
				w.walk(item, r.items, path+"["+strconv.Itoa(i)+"]")
			}
		}
	}
}

func (w *walker) walkMapping(n *yaml.Node, r *rule, path string) {
	seen := map[string]bool{}
	source := "" // the first key of r.oneOf seen
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := k.Value
		if seen[key] && key != "<<" {
			w.fail(k.Line, join(path, key), "duplicate key")
			continue
		}
		seen[key] = true
		if key == "<<" { // YAML merge key: the merged mappings belong here
			v = deref(v)
			if v.Kind == yaml.SequenceNode {
				for _, m := range v.Content {
					w.walk(m, r, path)
				}
			} else {
				w.walk(v, r, path)
			}
			continue
		}
		p := join(path, key)
		if w.only != nil && ((path == "" && key != "services") || (path == "services" && !w.only[key])) {
			continue // a file reached through extends: only the extended services matter
		}
		w.locs.set(p, loc{w.file, k.Line})
		if slices.Contains(r.oneOf, key) {
			if source != "" {
				w.fail(k.Line, p, "a second source beside "+source+": use one of "+strings.Join(r.oneOf, ", "))
				continue
			}
			source = key
		}
		if why, ok := r.refuse[key]; ok {
			w.fail(k.Line, p, why)
			continue
		}
		if sub, ok := r.keys[key]; ok {
			w.walk(v, sub, p)
			continue
		}
		if r.ext && strings.HasPrefix(key, "x-") {
			continue
		}
		if r.anyKey != nil {
			w.walk(v, r.anyKey, p)
			continue
		}
		w.fail(k.Line, p, "not supported by berth")
	}
}

// noteExtends records the service a service extends, to check it too.
func (w *walker) noteExtends(svc *yaml.Node) {
	for i := 0; i+1 < len(svc.Content); i += 2 {
		if svc.Content[i].Value != "extends" {
			continue
		}
		v := deref(svc.Content[i+1])
		switch v.Kind {
		case yaml.ScalarNode:
			w.extends = append(w.extends, extendsRef{service: v.Value})
		case yaml.MappingNode:
			var ref extendsRef
			for j := 0; j+1 < len(v.Content); j += 2 {
				switch v.Content[j].Value {
				case "service":
					ref.service = deref(v.Content[j+1]).Value
				case "file":
					ref.file = deref(v.Content[j+1]).Value
				}
			}
			w.extends = append(w.extends, ref)
		}
	}
}

// noteBare records the names a KEY=VALUE list or mapping gives without a
// value ("- FOO", "FOO:"), which compose resolves from the environment.
func (w *walker) noteBare(n *yaml.Node) {
	switch n.Kind {
	case yaml.SequenceNode:
		for _, item := range n.Content {
			if item = deref(item); item.Kind == yaml.ScalarNode && !strings.Contains(item.Value, "=") {
				w.bare[item.Value] = true
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if v := deref(n.Content[i+1]); v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
				w.bare[n.Content[i].Value] = true
			}
		}
	}
}
