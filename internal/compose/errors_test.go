package compose

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// leafErrors flattens errors.Join trees.
func leafErrors(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, leafErrors(e)...)
		}
		return out
	}
	return []error{err}
}

func TestLoadBadInput(t *testing.T) {
	tests := []struct {
		name  string
		files []string
		env   map[string]string
		file  string // want Error.File
		key   string // want Error.Key
		line  int    // want Error.Line (0: not checked)
		msg   string // want substring of Error.Msg
	}{
		{name: "malformed YAML", files: []string{"bad/malformed.yaml"}, file: "bad/malformed.yaml", line: 4, msg: "malformed YAML"},
		{name: "unknown top-level key", files: []string{"bad/unknown-top.yaml"}, file: "bad/unknown-top.yaml", key: "include", line: 4, msg: "not supported by berth"},
		{name: "unknown service key", files: []string{"bad/pid.yaml"}, file: "bad/pid.yaml", key: "services.web.pid", line: 4, msg: "not supported by berth"},
		{name: "container_name used twice", files: []string{"bad/container-name-dup.yaml"}, file: "bad/container-name-dup.yaml", key: "services.web.container_name", line: 4, msg: `"same" is also the container_name of service "api"`},
		{name: "container_name invalid", files: []string{"bad/container-name-invalid.yaml"}, file: "bad/container-name-invalid.yaml", key: "services.web.container_name", line: 4, msg: `invalid name "bad name"`},
		{name: "network_mode container:", files: []string{"bad/network-mode-container.yaml"}, file: "bad/network-mode-container.yaml", key: "services.web.network_mode", line: 4, msg: "joins a container berth does not own"},
		{name: "network_mode bridge", files: []string{"bad/network-mode-bridge.yaml"}, file: "bad/network-mode-bridge.yaml", key: "services.web.network_mode", line: 4, msg: "the environment's own networks"},
		{name: "network_mode unknown service", files: []string{"bad/network-mode-unknown.yaml"}, file: "bad/network-mode-unknown.yaml", key: "services.web.network_mode", line: 4, msg: `service "nosuch", which is not defined`},
		{name: "network_mode host with ports", files: []string{"bad/network-mode-ports.yaml"}, file: "bad/network-mode-ports.yaml", key: "services.web.ports", line: 5, msg: "ports do not apply with network_mode host"},
		{name: "network_mode service with expose", files: []string{"bad/network-mode-expose.yaml"}, file: "bad/network-mode-expose.yaml", key: "services.web.expose", line: 7, msg: `shares the network, host name and hosts file of service "db"`},
		{name: "network_mode with networks", files: []string{"bad/network-mode-networks.yaml"}, file: "bad/network-mode-networks.yaml", key: "services.web.networks", line: 5, msg: "not both"},
		{name: "network_mode cycle", files: []string{"bad/network-mode-cycle.yaml"}, file: "bad/network-mode-cycle.yaml", key: "services.a.depends_on", msg: "a -> b -> a"},
		{name: "external secret", files: []string{"bad/secret-external.yaml"}, file: "bad/secret-external.yaml", key: "secrets.token.external", line: 7, msg: "berth cannot create or own it"},
		{name: "secret mode", files: []string{"bad/secret-mode.yaml"}, file: "bad/secret-mode.yaml", key: "services.web.secrets[0].mode", line: 6, msg: "keeps its host owner and mode"},
		{name: "secret not declared", files: []string{"bad/secret-undeclared.yaml"}, file: "bad/secret-undeclared.yaml", key: "services.web.secrets", line: 4, msg: `secret "token" is not declared in the top-level secrets`},
		{name: "secret file missing", files: []string{"bad/secret-missing-file.yaml"}, file: "bad/secret-missing-file.yaml", key: "secrets.token.file", line: 7, msg: "no-such-file.txt not found"},
		{name: "secret variable unset", files: []string{"bad/secret-env-unset.yaml"}, file: "bad/secret-env-unset.yaml", key: "secrets.token.environment", line: 7, msg: "variable BERTH_TEST_UNSET_TOKEN is not set"},
		{name: "secret content", files: []string{"bad/secret-content.yaml"}, file: "bad/secret-content.yaml", key: "secrets.token.content", line: 7, msg: "not supported by berth"},
		{name: "config with two sources", files: []string{"bad/config-two-sources.yaml"}, file: "bad/config-two-sources.yaml", key: "configs.conf.content", line: 8, msg: "a second source beside file"},
		{name: "ipam subnet", files: []string{"bad/ipam-subnet.yaml"}, file: "bad/ipam-subnet.yaml", key: "networks.n.ipam.config[0].subnet", line: 9, msg: `"10.0.0.0" is not a CIDR prefix`},
		{name: "ipv4_address outside the subnets", files: []string{"bad/ipv4-outside.yaml"}, file: "bad/ipv4-outside.yaml", key: "services.web.networks.n.ipv4_address", line: 6, msg: "10.9.0.2 is in no subnet of network"},
		{name: "ipv6_address", files: []string{"bad/ipv6-address.yaml"}, file: "bad/ipv6-address.yaml", key: "services.web.networks.n.ipv6_address", line: 6, msg: "not supported by berth"},
		{name: "platform", files: []string{"bad/platform.yaml"}, file: "bad/platform.yaml", key: "services.web.platform", line: 4, msg: "invalid platform"},
		{name: "tmpfs relative", files: []string{"bad/tmpfs-relative.yaml"}, file: "bad/tmpfs-relative.yaml", key: "services.web.tmpfs", line: 4, msg: "must be absolute"},
		{name: "external network", files: []string{"bad/external-network.yaml"}, file: "bad/external-network.yaml", key: "networks.shared.external", line: 7, msg: "berth owns its networks"},
		{name: "external volume", files: []string{"bad/external-volume.yaml"}, file: "bad/external-volume.yaml", key: "volumes.data.external", line: 6, msg: "berth owns its volumes"},
		{name: "long port syntax mode", files: []string{"bad/long-port-mode.yaml"}, file: "bad/long-port-mode.yaml", key: "services.web.ports[0].mode", line: 6, msg: "not supported"},
		{name: "unsupported key in an extended file", files: []string{"bad/extends-unsupported.yaml"}, file: "bad/extends-unsupported-base.yaml", key: "services.base.ipc", line: 4, msg: "not supported"},
		{name: "depends_on unknown service", files: []string{"bad/depends-unknown.yaml"}, file: "bad/depends-unknown.yaml", key: "services.web.depends_on.dbx", line: 5, msg: `service "web" depends on service "dbx", which is not defined`},
		{name: "depends_on service left out by profiles", files: []string{"bad/disabled-dep.yaml"}, file: "bad/disabled-dep.yaml", key: "services.web.depends_on.debug", line: 4, msg: "profiles"},
		{name: "dependency cycle", files: []string{"bad/cycle.yaml"}, file: "bad/cycle.yaml", key: "services.a.depends_on", msg: "a -> b -> a"},
		{name: "bad memory size", files: []string{"bad/bad-memory.yaml"}, file: "bad/bad-memory.yaml", key: "services.web.mem_limit", line: 4, msg: `invalid memory size "12ZB"`},
		{name: "bad deploy memory", files: []string{"bad/bad-memory-deploy.yaml"}, file: "bad/bad-memory-deploy.yaml", key: "services.web.deploy.resources.limits.memory", line: 7, msg: `invalid memory size "lots"`},
		{name: "bad x-berth key", files: []string{"bad/xberth-key.yaml"}, file: "bad/xberth-key.yaml", key: "x-berth.lingr", line: 6, msg: "not supported by berth"},
		{name: "bad x-berth duration", files: []string{"bad/xberth-duration.yaml"}, file: "bad/xberth-duration.yaml", key: "x-berth.restart.cooldown", line: 6, msg: `invalid duration "soon"`},
		{name: "bad x-berth readiness", files: []string{"bad/xberth-readiness.yaml"}, file: "bad/xberth-readiness.yaml", key: "x-berth.readiness", line: 6, msg: `invalid value "fast": use "probe"`},
		{name: "bad x-berth memory", files: []string{"bad/xberth-memory.yaml"}, file: "bad/xberth-memory.yaml", key: "x-berth.memory.web", line: 6, msg: "invalid memory size"},
		{name: "x-berth names no service", files: []string{"bad/xberth-service.yaml"}, file: "bad/xberth-service.yaml", key: "x-berth.memory.nosuch", line: 6, msg: `no service named "nosuch"`},
		{name: "undeclared volume", files: []string{"bad/undeclared-volume.yaml"}, file: "bad/undeclared-volume.yaml", key: "services.web.volumes", line: 4, msg: `volume "data" is not declared`},
		{name: "undeclared network", files: []string{"bad/undeclared-network.yaml"}, file: "bad/undeclared-network.yaml", key: "services.web.networks.back", line: 4, msg: `network "back" is not declared`},
		{name: "bad restart policy", files: []string{"bad/bad-restart.yaml"}, file: "bad/bad-restart.yaml", key: "services.web.restart", line: 4, msg: `invalid restart policy "sometimes"`},
		{name: "host port range", files: []string{"bad/port-range.yaml"}, file: "bad/port-range.yaml", key: "services.web.ports", msg: "host port range 8000-8002"},
		{name: "SELinux volume option", files: []string{"bad/selinux.yaml"}, file: "bad/selinux.yaml", key: "services.web.volumes", msg: "SELinux"},
		{name: "no image nor build", files: []string{"bad/no-image.yaml"}, file: "bad/no-image.yaml", key: "services.web", line: 2, msg: "neither image nor build"},
		{name: "required variable unset", files: []string{"bad/required-var.yaml"}, file: "bad/required-var.yaml", msg: "TAG must be set"},
		{name: "missing file", files: []string{"bad/nope.yaml"}, file: "bad/nope.yaml", msg: "not found"},
		{name: "missing second file", files: []string{"hash-a.yaml", "bad/nope.yaml"}, file: "bad/nope.yaml", msg: "not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Load(context.Background(), Options{Files: tt.files, WorkingDir: "testdata", Getenv: envOf(tt.env)})
			require.Error(t, err)
			assert.Nil(t, p)
			for _, e := range leafErrors(err) {
				var ce *Error
				assert.ErrorAs(t, e, &ce, "every problem is a *compose.Error")
			}
			var ce *Error
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tt.file, ce.File)
			assert.Equal(t, tt.key, ce.Key)
			if tt.line != 0 {
				assert.Equal(t, tt.line, ce.Line)
			}
			assert.Contains(t, ce.Msg, tt.msg)
		})
	}
}

func TestLoadReportsEveryUnsupportedKey(t *testing.T) {
	_, err := Load(context.Background(), Options{Files: []string{"bad/extends-unsupported-base.yaml", "bad/pid.yaml"}, WorkingDir: "testdata", Getenv: envOf(nil)})
	require.Error(t, err)
	var keys []string
	for _, e := range leafErrors(err) {
		var ce *Error
		require.True(t, errors.As(e, &ce))
		keys = append(keys, ce.File+" "+ce.Key)
	}
	assert.Equal(t, []string{
		"bad/extends-unsupported-base.yaml services.base.ipc",
		"bad/extends-unsupported-base.yaml services.unrelated.pid",
		"bad/extends-unsupported-base.yaml include",
		"bad/pid.yaml services.web.pid",
	}, keys)

	// through extends.file only the extended service of that file is checked
	_, err = Load(context.Background(), Options{Files: []string{"bad/extends-unsupported.yaml"}, WorkingDir: "testdata", Getenv: envOf(nil)})
	require.Error(t, err)
	require.Len(t, leafErrors(err), 1)
	var ce *Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "services.base.ipc", ce.Key)
}

func TestErrorFormat(t *testing.T) {
	assert.Equal(t, "compose.yaml:4: services.web.pid: not supported by berth",
		(&Error{File: "compose.yaml", Line: 4, Key: "services.web.pid", Msg: "not supported by berth"}).Error())
	assert.Equal(t, "compose.yaml: compose file not found", (&Error{File: "compose.yaml", Msg: "compose file not found"}).Error())
	assert.Equal(t, "invalid project name", (&Error{Msg: "invalid project name"}).Error())
}
