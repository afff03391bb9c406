package goscan

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/audit/fact"
)

func scan(t *testing.T, src string) fact.Facts {
	t.Helper()
	f, err := File("x/x_test.go", []byte(src), true)
	require.NoError(t, err)
	return f
}

func argvs(cmds []fact.Command) []string {
	var out []string
	for _, c := range cmds {
		out = append(out, fact.Printable(strings.Join(c.Args, " ")))
	}
	return out
}

func TestExecCommands(t *testing.T) {
	src := `package x

import (
	"context"
	"fmt"
	run "os/exec"
)

const docker = "docker"

// cleanup would call exec.Command("docker", "rm", "-f", id) -- not here.
func cleanup(ctx context.Context, id string, ids []string) {
	fmt.Println("docker rm -f", id)
	_ = run.Command(docker, "rm", "-f", id).Run()
	_ = run.CommandContext(ctx, "docker", "stop", "-t", "0", id).Run()
	_ = run.CommandContext(context.Background(), "docker", "ps").Run()
	_ = run.Command("docker", append([]string{"rm"}, ids...)...).Run()
	_ = run.Command("docker", []string{"volume", "prune", "-f"}...).Run()
	_ = run.Command("sh", "-c", "docker stop x && docker rm x").Run()
	_ = run.Command("sh", "-c", fmt.Sprintf("docker rm %s", id)).Run()
}
`
	f := scan(t, src)
	assert.Equal(t, []string{
		"docker rm -f …",
		"docker stop -t 0 …",
		"docker ps",
		"docker …",
		"docker volume prune -f",
		"docker stop x", "docker rm x",
		"…",
	}, argvs(f.Commands))
	assert.Equal(t, fact.Loc{File: "x/x_test.go", Line: 14, Col: 18}, f.Commands[0].Loc)
	assert.Equal(t, []fact.Timeout{fact.TimeoutNone, fact.TimeoutSet, fact.TimeoutNone}, []fact.Timeout{
		f.Commands[0].Timeout, f.Commands[1].Timeout, f.Commands[2].Timeout})
	assert.Equal(t, fact.Loc{File: "x/x_test.go", Line: 19, Col: 31}, f.Commands[5].Loc, "the script's commands sit in its literal")
	assert.True(t, fact.Adjacent(f.Commands[5].Ctx, f.Commands[6].Ctx, "a", "a"))
	assert.True(t, fact.Adjacent(f.Commands[0].Ctx, f.Commands[1].Ctx, "a", "a"), "consecutive statements")
}

func TestExecNeedsTheImport(t *testing.T) {
	src := `package x

import exec "example.com/notexec"

func f() { exec.Command("docker", "rm", "-f", "x") }
`
	assert.Empty(t, scan(t, src).Commands)
}

func TestExecWrappers(t *testing.T) {
	src := `package x

import "sigs.k8s.io/kind/pkg/exec"

func f(id string) error {
	return exec.Command(
		"docker",
		"rm",
		"-f", // force it
		id,
	).Run()
}
`
	f := scan(t, src)
	require.Len(t, f.Commands, 1)
	assert.Equal(t, []string{"docker", "rm", "-f", fact.Unknown}, f.Commands[0].Args)
	assert.Equal(t, 7, f.Commands[0].Loc.Line, "at the program argument")
	assert.Equal(t, fact.TimeoutNA, f.Commands[0].Timeout, "a wrapper may bound it its own way")
}

func TestLoops(t *testing.T) {
	src := `package x

import (
	"os/exec"
	"time"
)

func f(ctx interface{ Err() error }, ok func() bool, tick *time.Ticker) {
	for {
		exec.Command("docker", "restart", "a").Run()
	}
	for !ok() {
		exec.Command("docker", "restart", "b").Run()
		time.Sleep(time.Second)
	}
	for i := 0; i < 3; i++ {
		exec.Command("docker", "restart", "c").Run()
	}
	for ctx.Err() == nil {
		exec.Command("docker", "restart", "d").Run()
	}
	for range tick.C {
		exec.Command("docker", "restart", "e").Run()
	}
	go func() {
		for {
			exec.Command("docker", "restart", "f").Run()
			select {}
		}
	}()
}
`
	f := scan(t, src)
	require.Len(t, f.Commands, 6)
	want := [][2]bool{{false, false}, {false, true}, {true, false}, {true, false}, {true, true}, {false, true}}
	for i, w := range want {
		l := f.Commands[i].Ctx.Loop
		require.NotNil(t, l, i)
		assert.Equal(t, w, [2]bool{l.Bounded, l.Delay}, "command %d (bounded, delay)", i)
	}
}

func TestSDKCalls(t *testing.T) {
	src := `package x

import (
	"context"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"
)

func f(ctx context.Context, cli *client.Client, id string) {
	_ = cli.ContainerStop(ctx, id, container.StopOptions{})
	_ = cli.ContainerRemove(ctx, id, container.RemoveOptions{Force: true, RemoveVolumes: true})
	_, _ = cli.VolumesPrune(ctx, filters.Args{})
}
`
	f := scan(t, src)
	require.Len(t, f.Calls, 3)
	assert.Equal(t, "ContainerRemove", f.Calls[1].Method)
	assert.Equal(t, "true", f.Calls[1].Options["Force"])
	assert.Equal(t, "id", f.Calls[1].Target)
	assert.Equal(t, "cli", f.Calls[1].Receiver)
	assert.True(t, f.Calls[1].SDK)
	assert.Equal(t, 12, f.Calls[1].Loc.Line)
	assert.True(t, fact.Adjacent(f.Calls[0].Ctx, f.Calls[1].Ctx, "a", "a"))
}

func TestComposeRefsAndBrokenFiles(t *testing.T) {
	f := scan(t, "package x\n\nvar files = []string{\"testdata/docker-compose.yml\", \"README.md\"}\n")
	require.Len(t, f.Refs, 1)
	assert.Equal(t, 3, f.Refs[0].Loc.Line)
	_, err := File("bad.go", []byte("package x\nimport \"os/exec\"\nfunc {"), false)
	assert.Error(t, err)
}

func TestFilesWithoutExecOrSDKAreOnlyTokenized(t *testing.T) {
	src := "package x\n\n// exec.Command(\"docker\", \"rm\", \"-f\") in a comment\nvar f = \"deploy/compose.yaml\"\n"
	f, err := File("x.go", []byte(src), false)
	require.NoError(t, err)
	assert.Empty(t, f.Commands)
	require.Len(t, f.Refs, 1)
	assert.Equal(t, fact.ComposeRef{Loc: fact.Loc{File: "x.go", Line: 4, Col: 9}, Path: "deploy/compose.yaml"}, f.Refs[0])
	_, err = File("bad.go", []byte("package x\nvar s = \"compose.yaml\n"), false)
	assert.Error(t, err, "an unterminated string does not tokenize")
}
