package shscan

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/audit/fact"
)

func TestMakefileRecipes(t *testing.T) {
	src := "DOCKER := docker\n" +
		"PROJECT ?= tests\n" +
		"# clean: docker rm -f everything\n" +
		"clean:\n" +
		"\t@echo \"docker rm -f is bad\"\n" +
		"\t-$(DOCKER) rm -f $$(docker ps -aq)\n" +
		"\t$(DOCKER) compose -p $(PROJECT) down \\\n" +
		"\t\t-t 0\n" +
		"\n" +
		"define HELP\n" +
		"\tdocker system prune -af\n" +
		"endef\n" +
		"up: ; docker compose up -d\n" +
		"test:\n" +
		"\tpytest -n $(JOBS) $@\n"
	cmds, bad := Makefile(src, Origin{File: "Makefile", Line: 1, Col: 1, Sink: fact.SinkMake})
	assert.Empty(t, bad)
	var got []string
	for _, c := range cmds {
		got = append(got, argv(c))
	}
	assert.Equal(t, []string{
		"echo docker rm -f is bad",
		"docker rm -f …",
		"docker ps -aq",
		"docker compose -p tests down -t 0",
		"pytest -n … …",
	}, got)
	require.Len(t, cmds, 5)
	assert.Equal(t, fact.Loc{File: "Makefile", Line: 6, Col: 3}, cmds[1].Loc)
	assert.Equal(t, 7, cmds[3].Loc.Line)
	assert.True(t, fact.Adjacent(cmds[0].Ctx, cmds[1].Ctx, "Makefile", "Makefile"), "recipe lines of one rule are sequential")
	assert.NotEqual(t, cmds[3].Ctx.Block, cmds[4].Ctx.Block, "each rule is its own list")
	for _, c := range cmds {
		assert.Equal(t, fact.SinkMake, c.Sink)
	}
}

func TestMakefileLineTheShellRefuses(t *testing.T) {
	cmds, bad := Makefile("x:\n\tif then (\n\tdocker ps\n", Origin{File: "Makefile", Line: 1, Col: 1})
	require.Len(t, cmds, 1)
	require.Len(t, bad, 1)
	assert.Equal(t, 2, bad[0].Loc.Line)
	assert.Contains(t, bad[0].Reason, "shell: ")
}
