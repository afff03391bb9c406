package yamlscan

import (
	yaml "go.yaml.in/yaml/v4"

	"github.com/berth-dev/berth/internal/audit/fact"
)

// field is one key of a mapping and its value.
type field struct {
	key, val *yaml.Node
}

// deref follows aliases.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// fields lists a mapping's keys, merge keys (<<) expanded: merged keys
// first, so the mapping's own keys, listed after, win in [get].
func fields(m *yaml.Node) []field {
	m = deref(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	var merged, own []field
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], deref(m.Content[i+1])
		if k.Value == "<<" && k.Tag != "!!str" {
			if v.Kind == yaml.SequenceNode {
				for _, s := range v.Content {
					merged = append(merged, fields(s)...)
				}
			} else {
				merged = append(merged, fields(v)...)
			}
			continue
		}
		own = append(own, field{k, v})
	}
	return append(merged, own...)
}

// get returns the value of key in mapping m (the last one wins), or nil.
func get(m *yaml.Node, key string) *yaml.Node {
	var out *yaml.Node
	for _, f := range fields(m) {
		if f.key.Value == key {
			out = f.val
		}
	}
	return out
}

// getKey returns the key node of key in mapping m, or nil.
func getKey(m *yaml.Node, key string) *yaml.Node {
	var out *yaml.Node
	for _, f := range fields(m) {
		if f.key.Value == key {
			out = f.key
		}
	}
	return out
}

// scalar returns a scalar node's value, "" for anything else.
func scalar(n *yaml.Node) string {
	if n = deref(n); n != nil && n.Kind == yaml.ScalarNode {
		return n.Value
	}
	return ""
}

// loc is a node's place in file.
func loc(file string, n *yaml.Node) fact.Loc {
	return fact.Loc{File: file, Line: n.Line, Col: n.Column}
}

// setting is key's scalar value in mapping m, at the key's place.
func setting(file string, m *yaml.Node, key string) fact.Setting {
	k, v := getKey(m, key), get(m, key)
	if k == nil || v == nil || v.Kind != yaml.ScalarNode {
		return fact.Setting{}
	}
	return fact.Setting{Value: v.Value, Loc: loc(file, k)}
}

// documents parses every YAML document of src.
func documents(src []byte) ([]*yaml.Node, error) {
	var docs []*yaml.Node
	dec := yaml.NewDecoder(bytesReader(src))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if err != nil {
			if isEOF(err) {
				return docs, nil
			}
			return nil, err
		}
		if len(n.Content) > 0 {
			docs = append(docs, n.Content[0])
		}
	}
}
