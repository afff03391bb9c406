package endpoints

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVars(t *testing.T) {
	got := Vars("127.0.0.1", []Port{
		{Service: "web-app", ContainerPort: 8080, Protocol: "tcp", HostPort: 32001},
		{Service: "web-app", ContainerPort: 80, Protocol: "tcp", HostPort: 32000},
		{Service: "db", ContainerPort: 5432, Protocol: "tcp", HostIP: "127.0.0.2", HostPort: 5432},
		{Service: "dns", ContainerPort: 53, Protocol: "udp", HostPort: 32053},
		{Service: "hidden", ContainerPort: 9000, Protocol: "tcp"},
	})
	assert.Equal(t, map[string]string{
		"BERTH_WEB_APP_HOST":      "127.0.0.1",
		"BERTH_WEB_APP_PORT":      "32000",
		"BERTH_WEB_APP_PORT_80":   "32000",
		"BERTH_WEB_APP_PORT_8080": "32001",
		"BERTH_DB_HOST":           "127.0.0.2",
		"BERTH_DB_PORT":           "5432",
		"BERTH_DB_PORT_5432":      "5432",
		"BERTH_DNS_HOST":          "127.0.0.1",
		"BERTH_DNS_PORT":          "32053",
		"BERTH_DNS_PORT_53_UDP":   "32053",
	}, got)
}

func TestHost(t *testing.T) {
	assert.Equal(t, "127.0.0.1", Host("unix:///var/run/docker.sock"))
	assert.Equal(t, "127.0.0.1", Host("npipe:////./pipe/docker_engine"))
	assert.Equal(t, "10.0.0.5", Host("tcp://10.0.0.5:2376"))
}

func TestWrite(t *testing.T) {
	vars := map[string]string{"BERTH_A_PORT": "1", "BERTH_A_HOST": "it's"}
	var b bytes.Buffer
	require.NoError(t, Write(&b, "shell", vars))
	assert.Equal(t, "export BERTH_A_HOST='it'\\''s'\nexport BERTH_A_PORT='1'\n", b.String())
	b.Reset()
	require.NoError(t, Write(&b, "dotenv", vars))
	assert.Equal(t, "BERTH_A_HOST=it's\nBERTH_A_PORT=1\n", b.String())
	b.Reset()
	require.NoError(t, Write(&b, "json", vars))
	var back map[string]string
	require.NoError(t, json.Unmarshal(b.Bytes(), &back))
	assert.Equal(t, vars, back)
	assert.Error(t, Write(&b, "yaml", vars))
}
