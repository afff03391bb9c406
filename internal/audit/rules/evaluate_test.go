package rules

import (
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/audit/fact"
	"github.com/berth-dev/berth/internal/audit/shscan"
)

// sh scans shell source as file name.
func sh(t *testing.T, name, src string) []fact.Command {
	t.Helper()
	cmds, err := shscan.Script(src, shscan.Origin{File: name, Line: 1, Col: 1, Sink: fact.SinkShell})
	require.NoError(t, err)
	return cmds
}

// hits renders findings as "rule@line".
func hits(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule+"@"+itoa(f.Line))
	}
	return out
}

func itoa(n int) string { return fmt.Sprintf("%02d", n) }

func TestCommandRules(t *testing.T) {
	src := `docker rm -f web                                   # 1 forced
docker rm web                                      # 2 fine alone
docker system prune -af                            # 3 global
docker volume prune -f --filter label=run=$RUN     # 4 scoped: fine
docker image prune -f                              # 5 dangling only: fine
docker image prune -af                             # 6 global
while true; do docker restart web; done            # 7 restart loop
for i in 1 2 3; do docker restart web; done        # 8 bounded: fine
until docker exec web true; do docker restart web; sleep 5; done  # 9 delayed: fine
docker stop -t 0 web                               # 10 zero timeout
docker compose down --timeout=0                    # 11 zero timeout
docker stop --time 10 web                          # 12 fine
echo "docker rm -f web; docker system prune -af"   # 13 a message: fine
# docker rm -f web                                 # 14 a comment: fine
docker builder prune -af                           # 15 global
`
	got := hits(Evaluate(fact.Facts{Commands: sh(t, "clean.sh", src)}))
	assert.ElementsMatch(t, []string{"forced-removal@01", "global-prune@03", "global-prune@06", "restart-loop@07",
		"zero-stop-timeout@10", "zero-stop-timeout@11", "global-prune@15"}, got)
}

func TestFindingsAreOrderedAndComplete(t *testing.T) {
	fs := Evaluate(fact.Facts{Commands: sh(t, "a.sh", "docker stop -t 0 x\ndocker system prune -af\ndocker rm -f x\n")})
	require.Len(t, fs, 3)
	assert.Equal(t, []Severity{Critical, High, Medium}, []Severity{fs[0].Severity, fs[1].Severity, fs[2].Severity})
	for _, f := range fs {
		assert.NotEmpty(t, f.Message)
		assert.Equal(t, Lookup(f.Rule).Remedy, f.Remedy)
		assert.Equal(t, "a.sh", f.File)
		assert.Equal(t, 1, f.Column)
	}
}

func TestStopThenRemove(t *testing.T) {
	src := `docker stop web
docker rm web
docker stop db && docker rm db
docker stop a
docker wait a
docker rm a
docker stop b
docker rm c
docker stop d
docker rm -f d
`
	got := hits(Evaluate(fact.Facts{Commands: sh(t, "t.sh", src)}))
	assert.ElementsMatch(t, []string{"stop-then-remove@02", "stop-then-remove@03", "forced-removal@10"}, got,
		"a verified stop, another container and a forced removal are not stop-then-remove")
}

func TestCalls(t *testing.T) {
	loop := &fact.Loop{}
	calls := []fact.Call{
		{Loc: loc(1), Lang: "python", Method: "remove", Options: map[string]string{"force": "True"}},
		{Loc: loc(2), Lang: "python", Method: "remove", Options: map[string]string{"force": "False"}, SDK: true},
		{Loc: loc(3), Lang: "python", Method: "prune", Receiver: "client.volumes", SDK: true, Ctx: fact.Context{Test: true}},
		{Loc: loc(4), Lang: "python", Method: "prune", Receiver: "client.volumes", SDK: true, Options: map[string]string{"filters": "{'label':'x'}"}, Ctx: fact.Context{Test: true}},
		{Loc: loc(5), Lang: "python", Method: "restart", SDK: true, Ctx: fact.Context{Loop: loop}},
		{Loc: loc(6), Lang: "python", Method: "restart", SDK: false, Ctx: fact.Context{Loop: loop}},
		{Loc: loc(7), Lang: "python", Method: "stop", SDK: true, Options: map[string]string{"timeout": "0"}},
		{Loc: loc(8), Lang: "go", Method: "ContainerRemove", SDK: true, Options: map[string]string{"Force": "true"}},
		{Loc: loc(9), Lang: "go", Method: "VolumesPrune", SDK: true, Ctx: fact.Context{Test: true}},
		{Loc: loc(10), Lang: "go", Method: "BuildCachePrune", SDK: true, Options: map[string]string{"All": "true"}},
		{Loc: loc(11), Lang: "go", Method: "ContainerRemove", SDK: false, Options: map[string]string{"Force": "true"}},
		{Loc: loc(12), Lang: "python", Method: "prune", Receiver: "client.containers", SDK: true},
	}
	got := hits(Evaluate(fact.Facts{Calls: calls}))
	assert.ElementsMatch(t, []string{"forced-removal@01", "global-prune@03", "restart-loop@05", "zero-stop-timeout@07",
		"forced-removal@08", "global-prune@09"}, got,
		"filters scope a prune; SDK prunes count in test code only; restart() of a non-Docker object is not judged")
}

func loc(line int) fact.Loc { return fact.Loc{File: "f", Line: line, Col: 1} }

func TestNoTimeout(t *testing.T) {
	cmds := []fact.Command{
		{Loc: loc(1), Args: []string{"docker", "ps"}, Timeout: fact.TimeoutNone},
		{Loc: loc(2), Args: []string{"docker", "ps"}, Timeout: fact.TimeoutSet},
		{Loc: loc(3), Args: []string{"docker", "ps"}, Timeout: fact.TimeoutNA},
		{Loc: loc(4), Args: []string{"git", "status"}, Timeout: fact.TimeoutNone},
	}
	assert.Equal(t, []string{"subprocess-no-timeout@01"}, hits(Evaluate(fact.Facts{Commands: cmds})))
}

func TestDocsDescribeEveryRule(t *testing.T) {
	doc, err := os.ReadFile("../../../docs/audit-rules.md")
	require.NoError(t, err)
	for _, r := range Table() {
		assert.Contains(t, string(doc), "## `"+r.ID+"`", "docs/audit-rules.md has a section for %s", r.ID)
		assert.Contains(t, string(doc), "Severity: **"+r.Severity.String()+"**", "severity of %s", r.ID)
		assert.NotEmpty(t, r.Rationale)
		assert.Contains(t, r.Remedy, "berth", "the remedy of %s names the berth feature", r.ID)
	}
}

func TestSeverity(t *testing.T) {
	s, err := ParseSeverity("HIGH")
	require.NoError(t, err)
	assert.Equal(t, High, s)
	_, err = ParseSeverity("severe")
	assert.ErrorContains(t, err, "unknown severity")
	assert.True(t, Critical > High && High > Medium && Medium > Low)
}

func TestSDKPrecision(t *testing.T) {
	test := fact.Context{Test: true}
	calls := []fact.Call{
		{Loc: loc(1), Lang: "python", Method: "remove", Receiver: "client.images", Options: map[string]string{"force": "True"}, SDK: true},
		{Loc: loc(2), Lang: "python", Method: "prune_images", Receiver: "self.client", SDK: true, Ctx: test},
		{Loc: loc(3), Lang: "python", Method: "prune_images", Receiver: "self.client", SDK: true, Ctx: test, Args: []string{"{'dangling':False}"}},
		{Loc: loc(4), Lang: "python", Method: "prune_volumes", Receiver: "self.client", SDK: true, Ctx: test, Args: []string{"{'label':'suite'}"}},
		{Loc: loc(5), Lang: "go", Method: "ImagesPrune", Receiver: "cli", SDK: true, Ctx: test, Args: []string{`filters.NewArgs(filters.Arg("dangling", "false"))`}},
		{Loc: loc(6), Lang: "go", Method: "ContainersPrune", Receiver: "cli", SDK: true, Ctx: test, Args: []string{`filters.NewArgs(filters.Arg("label", "x"))`}},
	}
	assert.ElementsMatch(t, []string{"global-prune@03", "global-prune@05"}, hits(Evaluate(fact.Facts{Calls: calls})),
		"an image's forced removal is not a container's; a dangling-only image prune and label-scoped prunes are fine")
}

func TestStopThenRemoveCallsPairOnTheirObject(t *testing.T) {
	ctx := func(step int) fact.Context { return fact.Context{Block: 1, Step: step} }
	call := func(line int, method, recv, target string) fact.Call {
		return fact.Call{Loc: loc(line), Lang: "python", Method: method, Receiver: recv, Target: target, SDK: true,
			Options: map[string]string{}, Ctx: ctx(line)}
	}
	calls := []fact.Call{
		call(1, "stop", "c", ""), call(2, "remove", "c", ""), // the same container
		call(3, "stop", "super()", ""), call(4, "remove", "files", "key"), // something else removed
		call(5, "stop", "client.api", "cid"), call(6, "remove_container", "client.api", "cid"),
		call(7, "stop", "client.api", "a"), call(8, "remove_container", "client.api", "b"),
	}
	assert.ElementsMatch(t, []string{"stop-then-remove@02", "stop-then-remove@06"}, hits(Evaluate(fact.Facts{Calls: calls})))
}
