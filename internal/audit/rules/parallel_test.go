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
	par := []fact.Parallel{{Loc: fact.Loc{File: "pytest.ini", Line: 2}, What: "pytest-xdist workers"}}
	got := hits(Evaluate(fact.Facts{Commands: cmds, Parallel: par}))
	assert.ElementsMatch(t, []string{"parallel-fixed-project@03", "parallel-fixed-project@05", "parallel-fixed-project@07",
		"parallel-fixed-project@02"}, got)

	dynamic := sh(t, "scripts/parallel.sh", `docker compose -p "test-$RANDOM" up -d
pytest -n 4 tests/
COMPOSE_PROJECT_NAME="run-$$" docker compose up -d
`)
	assert.Empty(t, Evaluate(fact.Facts{Commands: dynamic}), "every project name is per run")

	noCompose := sh(t, "run.sh", "pytest -n 4\n./x.sh &\n")
	assert.Empty(t, Evaluate(fact.Facts{Commands: noCompose}), "no compose: nothing shared by name")

	fixed := sh(t, "run.sh", "export COMPOSE_PROJECT_NAME=tests\ndocker compose up -d\npytest -n auto\n")
	fs := Evaluate(fact.Facts{Commands: fixed})
	if assert.Len(t, fs, 1) {
		assert.Contains(t, fs[0].Message, `"tests"`)
		assert.Contains(t, fs[0].Message, "run.sh:2")
	}
}
