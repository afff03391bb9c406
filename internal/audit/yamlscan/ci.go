package yamlscan

import (
	"maps"
	"regexp"
	"strings"

	yaml "go.yaml.in/yaml/v4"

	"github.com/berth-dev/berth/internal/audit/fact"
	"github.com/berth-dev/berth/internal/audit/shscan"
)

// runKeys are the keys whose value is shell in the CI systems berth
// audit knows: GitHub Actions (run), GitLab CI (script, before_script,
// after_script), CircleCI (run, command), Drone/Woodpecker (commands),
// Azure Pipelines (script, bash), Bitbucket (script).
var runKeys = map[string]bool{"run": true, "script": true, "before_script": true, "after_script": true,
	"command": true, "commands": true, "bash": true}

// expressions are CI template expressions (GitHub's ${{ ... }},
// GitLab's $[[ ... ]]): their values are known only when the job runs.
var expressions = regexp.MustCompile(`\$\{\{.*?\}\}|\$\[\[.*?\]\]`)

// envKeys hold a job's or step's environment variables.
var envKeys = map[string]bool{"env": true, "variables": true, "environment": true}

// CI returns the facts of a CI file: the commands of its shell blocks,
// each with the env: of its workflow, job and step; and the matrices of
// jobs that run on self-hosted runners (their instances share the
// runner's daemon). Malformed YAML is an error; a shell block the
// parser refuses is left out and listed in Unparsed. Template expressions
// (${{ ... }}) are unknown parts.
func CI(path string, src []byte) (fact.Facts, error) {
	docs, err := documents(src)
	if err != nil {
		return fact.Facts{}, err
	}
	c := &ciScan{path: path, lines: strings.Split(string(src), "\n"), blocks: &fact.Blocks{}}
	for _, d := range docs {
		c.walk(d, map[string]string{})
	}
	return c.out, nil
}

type ciScan struct {
	path   string
	lines  []string
	blocks *fact.Blocks
	out    fact.Facts
}

func (c *ciScan) walk(n *yaml.Node, env map[string]string) {
	n = deref(n)
	switch n.Kind {
	case yaml.SequenceNode:
		for _, item := range n.Content {
			c.walk(item, env)
		}
	case yaml.MappingNode:
		env = withEnv(n, env)
		c.matrix(n)
		for _, f := range fields(n) {
			if runKeys[f.key.Value] && c.shell(f.val, env) {
				continue
			}
			if !envKeys[f.key.Value] {
				c.walk(f.val, env)
			}
		}
	}
}

// withEnv adds the mapping's env:/variables: scalars to env. A value
// with an expression (${{ ... }}, $VAR) is unknown.
func withEnv(m *yaml.Node, env map[string]string) map[string]string {
	var out map[string]string
	for k := range envKeys {
		e := get(m, k)
		if e == nil || e.Kind != yaml.MappingNode {
			continue
		}
		if out == nil {
			out = maps.Clone(env)
		}
		for _, f := range fields(e) {
			v := scalar(f.val)
			if strings.Contains(v, "$") {
				v = fact.Unknown
			}
			out[f.key.Value] = v
		}
	}
	if out == nil {
		return env
	}
	return out
}

// shell scans a run block (a scalar, or a list of scalars run one after
// the other in one shell) and reports whether the value was shell.
func (c *ciScan) shell(v *yaml.Node, env map[string]string) bool {
	var items []*yaml.Node
	switch v.Kind {
	case yaml.ScalarNode:
		items = []*yaml.Node{v}
	case yaml.SequenceNode:
		for _, it := range v.Content {
			if it = deref(it); it.Kind != yaml.ScalarNode {
				return false
			}
			items = append(items, it)
		}
	default:
		return false
	}
	list := &shscan.List{Block: c.blocks.New()}
	for _, it := range items {
		o := c.origin(it)
		o.Env, o.List = env, list
		cmds, err := shscan.Script(expressions.ReplaceAllString(it.Value, fact.Unknown), o)
		if err != nil {
			c.out.Unparsed = append(c.out.Unparsed, fact.Unparsed{Loc: fact.Loc{File: c.path, Line: o.Line, Col: o.Col},
				Reason: "shell: " + err.Error()})
			continue
		}
		c.out.Commands = append(c.out.Commands, cmds...)
	}
	return true
}

// origin places a scalar's content in the file: a block scalar (| or >)
// starts on the line after its indicator, at the indentation of its
// first line; a flow scalar where it stands (after its quote).
func (c *ciScan) origin(n *yaml.Node) shscan.Origin {
	o := shscan.Origin{File: c.path, Line: n.Line, Col: n.Column, Sink: fact.SinkCI, Blocks: c.blocks}
	switch n.Style {
	case yaml.LiteralStyle, yaml.FoldedStyle:
		o.Line = n.Line + 1
		for i := n.Line; i < len(c.lines); i++ {
			if t := strings.TrimLeft(c.lines[i], " "); t != "" {
				o.Indent = len(c.lines[i]) - len(t)
				break
			}
		}
		o.Col = o.Indent + 1
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		o.Col++
	}
	return o
}

// matrix records a GitHub Actions job with a strategy matrix that runs
// on self-hosted runners, unless max-parallel is 1.
func (c *ciScan) matrix(job *yaml.Node) {
	strategy := get(job, "strategy")
	mk := getKey(strategy, "matrix")
	if mk == nil || scalar(get(strategy, "max-parallel")) == "1" {
		return
	}
	runsOn := get(job, "runs-on")
	selfHosted := strings.Contains(scalar(runsOn), "self-hosted")
	if runsOn != nil && runsOn.Kind == yaml.SequenceNode {
		for _, l := range runsOn.Content {
			selfHosted = selfHosted || scalar(l) == "self-hosted"
		}
	}
	if selfHosted {
		c.out.Parallel = append(c.out.Parallel, fact.Parallel{Loc: loc(c.path, mk), What: "a CI matrix on self-hosted runners"})
	}
}
