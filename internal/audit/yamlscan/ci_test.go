package yamlscan

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/audit/fact"
)

func TestGitHubActions(t *testing.T) {
	src := `name: tests
env:
  COMPOSE_PROJECT_NAME: ci
jobs:
  test:
    runs-on: [self-hosted, linux]
    strategy:
      matrix:
        shard: [1, 2, 3]
    env:
      RUN: ${{ github.run_id }}
    steps:
      - uses: actions/checkout@v4
      # - run: docker system prune -af
      - name: up
        run: docker compose up -d
      - name: clean
        run: |
          echo "docker rm -f would be wrong"
          docker stop web
          docker rm web
      - run: "docker ps"
  lint:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        go: [a, b]
    steps:
      - run: make lint
`
	f, err := CI(".github/workflows/ci.yml", []byte(src))
	require.NoError(t, err)
	var got []string
	for _, c := range f.Commands {
		got = append(got, strings.Join(c.Args, " "))
	}
	assert.Equal(t, []string{"docker compose up -d", "echo docker rm -f would be wrong", "docker stop web", "docker rm web", "docker ps", "make lint"}, got)
	assert.Equal(t, fact.Loc{File: ".github/workflows/ci.yml", Line: 16, Col: 14}, f.Commands[0].Loc)
	assert.Equal(t, fact.Loc{File: ".github/workflows/ci.yml", Line: 20, Col: 11}, f.Commands[2].Loc)
	assert.Equal(t, fact.Loc{File: ".github/workflows/ci.yml", Line: 22, Col: 15}, f.Commands[4].Loc)
	assert.True(t, fact.Adjacent(f.Commands[2].Ctx, f.Commands[3].Ctx, "a", "a"))
	assert.Equal(t, "ci", f.Commands[0].Env["COMPOSE_PROJECT_NAME"])
	assert.Equal(t, fact.Unknown, f.Commands[0].Env["RUN"])
	assert.Equal(t, fact.SinkCI, f.Commands[0].Sink)
	require.Len(t, f.Parallel, 1, "only the self-hosted matrix")
	assert.Equal(t, 8, f.Parallel[0].Loc.Line)
}

func TestGitLabScriptListIsOneShell(t *testing.T) {
	src := `.base: &base
  before_script:
    - docker compose -p fixed up -d
test:
  <<: *base
  variables:
    X: "1"
  script:
    - docker stop x
    - docker rm x
`
	f, err := CI(".gitlab-ci.yml", []byte(src))
	require.NoError(t, err)
	require.Len(t, f.Commands, 4, "the anchor's own block and its merge into test")
	last := f.Commands[2:]
	assert.Equal(t, "1", last[0].Env["X"])
	assert.True(t, fact.Adjacent(last[0].Ctx, last[1].Ctx, "a", "a"), "script items run in turn in one shell")
	assert.Equal(t, 10, last[1].Loc.Line)
}

func TestMalformedYAML(t *testing.T) {
	_, err := CI("ci.yml", []byte("jobs: [unclosed"))
	assert.Error(t, err)
}

func TestTemplateExpressionsAndUnparsedBlocks(t *testing.T) {
	src := "jobs:\n  a:\n    steps:\n      - run: |\n          docker compose -p ci-${{ github.run_id }} up -d\n          docker rm -f ${{ env.X }}\n      - run: if then (\n"
	f, err := CI(".github/workflows/x.yml", []byte(src))
	require.NoError(t, err)
	require.Len(t, f.Commands, 2)
	assert.Equal(t, []string{"docker", "compose", "-p", "ci-" + fact.Unknown, "up", "-d"}, f.Commands[0].Args)
	assert.Equal(t, []string{"docker", "rm", "-f", fact.Unknown}, f.Commands[1].Args)
	require.Len(t, f.Unparsed, 1)
	assert.Equal(t, 7, f.Unparsed[0].Loc.Line)
}
