package connect

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCheckHost(t *testing.T) {
	for _, ok := range []string{"unix:///var/run/docker.sock", "tcp://127.0.0.1:2375", "npipe:////./pipe/docker_engine", "https://h:2376"} {
		assert.NoError(t, checkHost(ok), ok)
	}
	for _, bad := range []string{"bogus://where", "ssh://me@host", "::"} {
		assert.Error(t, checkHost(bad), bad)
	}
}
