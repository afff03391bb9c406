package shscan

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/audit/fact"
)

func scan(t *testing.T, src string) []fact.Command {
	t.Helper()
	cmds, err := Script(src, Origin{File: "s.sh", Line: 1, Col: 1, Sink: fact.SinkShell})
	require.NoError(t, err)
	return cmds
}

func argv(c fact.Command) string { return fact.Printable(strings.Join(c.Args, " ")) }

func TestCommentsAndQuotedTextAreNotCommands(t *testing.T) {
	cmds := scan(t, "# docker rm -f x\necho 'docker rm -f x'  # docker system prune -af\nlog \"docker rm -f $c\"\n")
	require.Len(t, cmds, 2)
	assert.Equal(t, "echo docker rm -f x", argv(cmds[0]))
	assert.Equal(t, "log docker rm -f …", argv(cmds[1]))
}

func TestWordsAndPositions(t *testing.T) {
	cmds := scan(t, "NAME=web\n  docker rm  --force \"$NAME\" ${OTHER} \\\n   'a b' $(docker ps -q)\n")
	require.Len(t, cmds, 2)
	assert.Equal(t, []string{"docker", "rm", "--force", "web", fact.Unknown, "a b", fact.Unknown}, cmds[0].Args)
	assert.Equal(t, fact.Loc{File: "s.sh", Line: 2, Col: 3}, cmds[0].Loc)
	assert.Equal(t, "docker ps -q", argv(cmds[1]), "a command substitution is a command too")
	assert.Equal(t, 3, cmds[1].Loc.Line)
	assert.NotEqual(t, cmds[0].Ctx.Block, cmds[1].Ctx.Block)
}

func TestVariableAssignedTwiceIsUnknown(t *testing.T) {
	cmds := scan(t, "P=a\nP=b\ndocker compose -p $P up\n")
	assert.Equal(t, []string{"docker", "compose", "-p", fact.Unknown, "up"}, cmds[0].Args)
}

func TestChainsAreSteps(t *testing.T) {
	cmds := scan(t, "docker stop x && docker rm x\ndocker wait y; docker rm y\n")
	require.Len(t, cmds, 4)
	for i, c := range cmds {
		assert.Equal(t, cmds[0].Ctx.Block, c.Ctx.Block)
		assert.Equal(t, i, c.Ctx.Step)
	}
}

func TestLoops(t *testing.T) {
	cmds := scan(t, `while true; do docker restart web; done
until curl -f localhost; do docker restart web; sleep 2; done
for i in 1 2 3; do docker restart web; done
i=0
while [ "$i" -lt 5 ]; do docker restart web; i=$((i+1)); done
for ((;;)); do docker restart web; done
docker restart web
`)
	var loops []*fact.Loop
	for _, c := range cmds {
		if len(c.Args) > 1 && c.Args[1] == "restart" {
			loops = append(loops, c.Ctx.Loop)
		}
	}
	require.Len(t, loops, 6)
	assert.Equal(t, fact.Loop{Loc: fact.Loc{File: "s.sh", Line: 1, Col: 1}}, *loops[0], "while true: unbounded, no delay")
	assert.True(t, loops[1].Delay, "until ... sleep 2")
	assert.False(t, loops[1].Bounded)
	assert.True(t, loops[2].Bounded, "a word list is finite")
	assert.True(t, loops[3].Bounded, "-lt counter")
	assert.False(t, loops[4].Bounded, "for ((;;))")
	assert.Nil(t, loops[5])
}

func TestBackgroundAndEnv(t *testing.T) {
	cmds := scan(t, "export COMPOSE_PROJECT_NAME=tests\nfor i in 1 2 3; do\n  ./run.sh $i &\ndone\n(cd a && pytest) &\nX=1 make test\nwait\n")
	require.Len(t, cmds, 5)
	assert.True(t, cmds[0].Background)
	assert.Equal(t, "tests", cmds[0].Env["COMPOSE_PROJECT_NAME"])
	assert.True(t, cmds[1].Background, "cd in a background subshell")
	assert.True(t, cmds[2].Background, "pytest in a background subshell")
	assert.False(t, cmds[3].Background)
	assert.Equal(t, "1", cmds[3].Env["X"])
	assert.Equal(t, "tests", cmds[3].Env["COMPOSE_PROJECT_NAME"])
}

func TestUnparsableSourceGivesNothing(t *testing.T) {
	cmds, err := Script("if then fi (", Origin{File: "x.sh", Line: 1, Col: 1})
	assert.Error(t, err)
	assert.Empty(t, cmds)
}

func TestEmbeddedSourceMapsPositionsAndContext(t *testing.T) {
	outer := fact.Context{Block: 7, Step: 3, Loop: &fact.Loop{Bounded: true}}
	o := Origin{File: "t.py", Line: 10, Col: 20, Indent: 4, Sink: fact.SinkPython, Blocks: &fact.Blocks{}, Embedded: &outer}
	one, err := Script("docker rm -f x", o)
	require.NoError(t, err)
	require.Len(t, one, 1)
	assert.Equal(t, outer, one[0].Ctx, "one command takes the calling statement's place")
	assert.Equal(t, fact.Loc{File: "t.py", Line: 10, Col: 20}, one[0].Loc)

	two, err := Script("docker stop x\ndocker rm x", o)
	require.NoError(t, err)
	require.Len(t, two, 2)
	assert.Equal(t, fact.Loc{File: "t.py", Line: 11, Col: 5}, two[1].Loc, "later lines get the removed indentation")
	assert.True(t, fact.Adjacent(two[0].Ctx, two[1].Ctx, "t.py", "t.py"))
	assert.Same(t, outer.Loop, two[0].Ctx.Loop, "commands stay inside the caller's loop")
}

func TestShellC(t *testing.T) {
	s, ok := ShellC([]string{"/bin/bash", "-lc", "docker rm -f x"})
	assert.True(t, ok)
	assert.Equal(t, "docker rm -f x", s)
	_, ok = ShellC([]string{"sh", "script.sh", "-c"})
	assert.False(t, ok)
	_, ok = ShellC([]string{"docker", "-c", "ctx", "ps"})
	assert.False(t, ok)
}

func TestUnknownPartsOfEmbeddedSource(t *testing.T) {
	cmds := scan(t, "docker rm -f "+fact.Unknown+" && echo 'x"+fact.Unknown+"'")
	require.Len(t, cmds, 2)
	assert.Equal(t, []string{"docker", "rm", "-f", fact.Unknown}, cmds[0].Args)
	assert.Equal(t, []string{"echo", "x" + fact.Unknown}, cmds[1].Args, "unknown even inside single quotes")
}

func TestEveryStatementTakesAStep(t *testing.T) {
	cmds := scan(t, "docker stop a\nuntil [ \"$(docker inspect -f x a)\" = false ]; do sleep 1; done\ndocker rm a\n"+
		"docker stop b\nx=$(docker inspect b)\ndocker rm b\n")
	var stop, rm []fact.Command
	for _, c := range cmds {
		switch {
		case len(c.Args) > 1 && c.Args[1] == "stop":
			stop = append(stop, c)
		case len(c.Args) > 1 && c.Args[1] == "rm":
			rm = append(rm, c)
		}
	}
	require.Len(t, stop, 2)
	require.Len(t, rm, 2)
	for i := range stop {
		assert.False(t, fact.Adjacent(stop[i].Ctx, rm[i].Ctx, "s.sh", "s.sh"), "a check between stop and rm")
	}
}
