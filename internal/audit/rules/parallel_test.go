package rules

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/berth-dev/berth/internal/audit/fact"
)

func TestParallelFixedProject(t *testing.T) {
	runner := `docker compose -f tests/docker-compose.yml up -d
for i in 1 2 3; do
  ./scripts/run_tests.sh "$i" &
done
pytest -n 4 tests/
pytest -n 1 tests/
go test -p 8 ./...
make lint
wait
`
	cmds := sh(t, "scripts/parallel.sh", runner)
	par := []fact.Parallel{{Loc: fact.Loc{File: "scripts/parallel.sh", Line: 20}, What: "pytest-xdist workers"}}
	got := hits(Evaluate(fact.Facts{Commands: cmds, Parallel: par}))
	assert.ElementsMatch(t, []string{"parallel-fixed-project@03", "parallel-fixed-project@05", "parallel-fixed-project@07",
		"parallel-fixed-project@20"}, got, "the project is started in the same file, named after its directory")

	dynamic := sh(t, "scripts/parallel.sh", `docker compose -p "test-$RANDOM" up -d
pytest -n 4 tests/
COMPOSE_PROJECT_NAME="run-$$" docker compose up -d
`)
	assert.Empty(t, Evaluate(fact.Facts{Commands: dynamic}), "every project name is per run")

	noCompose := sh(t, "run.sh", "pytest -n 4\n./x.sh &\n./y.sh &\n")
	assert.Empty(t, Evaluate(fact.Facts{Commands: noCompose}), "no compose: nothing shared by name")

	fixed := sh(t, "run.sh", "export COMPOSE_PROJECT_NAME=tests\ndocker compose up -d\npytest -n auto\n")
	fs := Evaluate(fact.Facts{Commands: fixed})
	if assert.Len(t, fs, 1) {
		assert.Contains(t, fs[0].Message, `"tests"`)
		assert.Contains(t, fs[0].Message, "run.sh:2")
	}
}

func TestParallelRunsFindTheirProject(t *testing.T) {
	runTests := sh(t, "scripts/run_tests.sh", "docker compose -p itests up -d\npytest tests/\n")
	parallel := sh(t, "scripts/run_parallel.sh", "./scripts/run_tests.sh a &\n./scripts/run_tests.sh b &\nwait\n")
	bench := sh(t, "scripts/bench.sh", "docker compose -p bench up -d\n")
	one := sh(t, "scripts/test.sh", "go test ./... > log 2>&1 &\nwait\n")
	xdist := sh(t, "Makefile", "pytest -n 4\n")
	conftest := []fact.Command{{Loc: fact.Loc{File: "tests/conftest.py", Line: 9}, Args: []string{"docker", "compose", "-p", "it", "up"},
		Ctx: fact.Context{Test: true}}}

	all := func(cs ...[]fact.Command) []fact.Command {
		var out []fact.Command
		for _, c := range cs {
			out = append(out, c...)
		}
		return out
	}
	got := hits(Evaluate(fact.Facts{Commands: all(runTests, parallel, bench, one)}))
	assert.ElementsMatch(t, []string{"parallel-fixed-project@01", "parallel-fixed-project@02"}, got,
		"the runner's jobs start scripts/run_tests.sh's project; one background go test is not parallel; the benchmark's project is not the tests'")

	assert.Empty(t, Evaluate(fact.Facts{Commands: all(xdist, bench)}), "pytest -n does not bring up a benchmark's project")
	fs := Evaluate(fact.Facts{Commands: all(xdist, conftest)})
	if assert.Len(t, fs, 1) {
		assert.Contains(t, fs[0].Message, "tests/conftest.py:9", "pytest -n brings up what test code starts")
	}
}
