package console

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestSnakeCase(t *testing.T) {
	for in, want := range map[string]string{"MemoryLimit": "memory_limit", "IPv4Address": "ipv4_address",
		"TTL": "ttl", "Image": "image", "NanoCPUs": "nano_cpus", "HostIP": "host_ip", "IPAM": "ipam", "StopGrace": "stop_grace", "CapAdd": "cap_add"} {
		assert.Equal(t, want, snakeCase(in), in)
	}
}

func TestSnakeKeepsMapKeysAndLeavesOutZerosAndHidden(t *testing.T) {
	type inner struct{ HostPort string }
	type thing struct {
		Name    string
		Labels  map[string]string
		Grace   time.Duration
		Empty   string
		Secret  string `json:"-"`
		Ports   []inner
		Pointer *inner
	}
	got := snake(thing{Name: "web", Labels: map[string]string{"Team.Name": "core"}, Grace: 3 * time.Second,
		Secret: "s3cret", Ports: []inner{{HostPort: "8080"}}})
	assert.Equal(t, map[string]any{"name": "web", "labels": map[string]any{"Team.Name": "core"}, "grace": "3s",
		"ports": []any{map[string]any{"host_port": "8080"}}}, got)
}
