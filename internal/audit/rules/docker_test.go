package rules

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/berth-dev/berth/internal/audit/fact"
)

func TestParseDocker(t *testing.T) {
	cases := []struct {
		line string
		sub  string
		ok   bool
		has  []string
		args []string
	}{
		{"docker rm -f web", "rm", true, []string{"f"}, []string{"web"}},
		{"sudo -u me docker container rm --force web", "rm", true, []string{"force"}, []string{"web"}},
		{"docker container remove web", "rm", true, nil, []string{"web"}},
		{"docker -H tcp://x:2375 rm -vf a b", "rm", true, []string{"v", "f"}, []string{"a", "b"}},
		{"timeout 30 docker system prune -af", "system prune", true, []string{"a", "f"}, nil},
		{"docker buildx prune -af", "builder prune", true, []string{"a"}, nil},
		{"xargs -r -n 1 docker rm -f", "rm", true, []string{"f"}, nil},
		{"env FOO=1 docker stop -t0 x", "stop", true, []string{"t"}, []string{"x"}},
		{"docker compose -f a.yml -p proj down -t 0", "compose down", true, []string{"t"}, nil},
		{"docker-compose --file=b.yml up -d", "compose up", true, []string{"d"}, nil},
		{"docker \x00 rm x", "", false, nil, nil},
		{"podman rm -f x", "", false, nil, nil},
		{"echo docker rm -f x", "", false, nil, nil},
	}
	for _, c := range cases {
		d, ok := parseDocker(strings.Fields(c.line))
		assert.Equal(t, c.ok, ok, c.line)
		if !ok {
			continue
		}
		assert.Equal(t, c.sub, d.Sub, c.line)
		for _, h := range c.has {
			assert.True(t, d.has(h), "%s: flag %s", c.line, h)
		}
		assert.Equal(t, c.args, d.Args, c.line)
	}
	d, _ := parseDocker(strings.Fields("docker compose -f a.yml --file b.yml -p proj up"))
	assert.Equal(t, []string{"a.yml", "b.yml"}, d.Files)
	assert.Equal(t, "proj", d.Project)
	v, _ := d.value("t")
	assert.Empty(t, v)
	d, _ = parseDocker(strings.Fields("docker stop -t0 x"))
	v, _ = d.value("t", "time")
	assert.Equal(t, "0", v)
	d, _ = parseDocker(strings.Fields("docker volume prune --filter label=a=b -f"))
	assert.Equal(t, []string{"label=a=b"}, d.Flags["filter"])
	d, _ = parseDocker([]string{"docker", "rm", "--force=false", "x"})
	assert.False(t, d.has("force"))
	assert.True(t, IsDocker([]string{"sudo", "docker", "ps"}))
	assert.False(t, IsDocker([]string{"dockerd"}))
	assert.False(t, IsDocker([]string{fact.Unknown}))
}
