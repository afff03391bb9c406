//go:build linux

package integrations

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v4"
)

// job fakes what GitHub Actions gives a job's steps: the $GITHUB_ENV and
// $GITHUB_OUTPUT files, RUNNER_TEMP, GITHUB_WORKSPACE, and, for every
// step, the variables earlier steps wrote to $GITHUB_ENV.
type job struct {
	w                       *world
	workspace, envFile, out string
	base                    []string // variables every step gets
}

func (w *world) newJob(base ...string) *job {
	dir := w.t.TempDir()
	j := &job{w: w, workspace: filepath.Join(dir, "workspace"), envFile: filepath.Join(dir, "github_env"),
		out: filepath.Join(dir, "github_output"), base: base}
	require.NoError(w.t, os.MkdirAll(j.workspace, 0o755))
	require.NoError(w.t, os.WriteFile(j.envFile, nil, 0o600))
	require.NoError(w.t, os.WriteFile(j.out, nil, 0o600))
	return j
}

// action is the part of an action.yml the fake runner reads.
type action struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Runs struct {
		Using string `yaml:"using"`
		Steps []struct {
			Shell string            `yaml:"shell"`
			Run   string            `yaml:"run"`
			Env   map[string]string `yaml:"env"`
		} `yaml:"steps"`
	} `yaml:"runs"`
}

var expr = regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`)

// use runs the composite action in integrations/github-action/<name> as
// a step of the job, with the given inputs (the others take their
// defaults), as GitHub would: each run script with `sh -e`, in the
// workspace, with GITHUB_ACTION_PATH, the step's env (expressions
// replaced) and the job's $GITHUB_ENV variables so far. An expression the
// fake does not know fails the test.
func (j *job) use(name string, inputs map[string]string) result {
	t := j.w.t
	t.Helper()
	dir := filepath.Join(root(), "integrations", "github-action", name)
	b, err := os.ReadFile(filepath.Join(dir, "action.yml"))
	require.NoError(t, err)
	var a action
	require.NoError(t, yaml.Unmarshal(b, &a))
	require.Equal(t, "composite", a.Runs.Using)
	for k := range inputs {
		require.Contains(t, a.Inputs, k, "input %s of action %s", k, name)
	}
	eval := func(s string) string {
		return expr.ReplaceAllStringFunc(s, func(m string) string {
			e := expr.FindStringSubmatch(m)[1]
			if in, ok := strings.CutPrefix(e, "inputs."); ok {
				if v, given := inputs[in]; given {
					return v
				}
				spec, declared := a.Inputs[in]
				require.True(t, declared, "action %s uses undeclared input %s", name, in)
				return spec.Default
			}
			if e == "github.action_path" {
				return dir
			}
			t.Fatalf("action %s: the fake runner does not know ${{ %s }}", name, e)
			return ""
		})
	}
	var all result
	for i, st := range a.Runs.Steps {
		require.Contains(t, []string{"sh", "bash"}, st.Shell, "step %d of %s", i, name)
		script := filepath.Join(t.TempDir(), "step.sh")
		require.NoError(t, os.WriteFile(script, []byte(eval(st.Run)), 0o600))
		env := append(append([]string{}, j.base...), "GITHUB_ENV="+j.envFile, "GITHUB_OUTPUT="+j.out,
			"GITHUB_WORKSPACE="+j.workspace, "RUNNER_TEMP="+t.TempDir(), "GITHUB_ACTIONS=true",
			"GITHUB_ACTION_PATH="+dir)
		env = append(env, j.exported()...)
		for k, v := range st.Env {
			env = append(env, k+"="+eval(v))
		}
		saved := j.w.env
		j.w.env = append(append([]string{}, saved...), env...)
		r := j.w.exec(j.workspace, st.Shell, "-e", script)
		j.w.env = saved
		all.stdout += r.stdout
		all.stderr += r.stderr
		if all.code = r.code; r.code != 0 {
			break
		}
	}
	return all
}

// exported reads $GITHUB_ENV as the runner does for the next step:
// KEY=value lines, the last value of a key winning.
func (j *job) exported() []string {
	t := j.w.t
	t.Helper()
	f, err := os.Open(j.envFile)
	require.NoError(t, err)
	defer f.Close()
	var env []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		require.Contains(t, line, "=", "a GITHUB_ENV line the fake runner does not read: %q", line)
		env = append(env, line)
	}
	require.NoError(t, sc.Err())
	return env
}

// values reads KEY=value lines of a file into a map.
func values(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	m := map[string]string{}
	for line := range strings.Lines(string(b)) {
		k, v, ok := strings.Cut(strings.TrimRight(line, "\n"), "=")
		require.True(t, ok, "line %q", line)
		m[k] = v
	}
	return m
}
