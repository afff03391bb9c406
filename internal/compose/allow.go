package compose

import (
	"strconv"

	"github.com/docker/go-units"
	"go.yaml.in/yaml/v4"
)

// rule is the allow-list for one node of a compose file. A rule with
// neither keys nor anyKey accepts any value (its shape is checked later by
// compose-go's schema); otherwise every key of a mapping must be in keys,
// match anyKey (user-chosen names: services, labels...), or be an x-*
// extension where ext allows it. refuse lists keys berth rejects with a
// specific reason.
type rule struct {
	keys   map[string]*rule
	anyKey *rule
	items  *rule             // rule for the mapping items of a sequence
	refuse map[string]string // key -> why berth does not support it
	ext    bool              // x-* keys are allowed and ignored
	check  func(*yaml.Node) string
	// service marks a service definition: its extends are followed.
	service bool
	// bare marks a KEY=VALUE list or mapping (environment, build args)
	// whose valueless names take their value from the environment.
	bare bool
	// oneOf lists keys of which a mapping may hold one only (the sources
	// of a secret or config).
	oneOf []string
}

// leaf accepts any value.
func leaf() *rule { return &rule{} }

// keys allows the named keys with any value.
func keys(names ...string) map[string]*rule {
	m := make(map[string]*rule, len(names))
	for _, n := range names {
		m[n] = leaf()
	}
	return m
}

// checkSize accepts a byte count or a compose size ("512m", "1.5GB").
func checkSize(n *yaml.Node) string {
	if n.Tag == "!!null" {
		return ""
	}
	if _, err := strconv.ParseInt(n.Value, 10, 64); err == nil {
		return ""
	}
	if _, err := units.RAMInBytes(n.Value); err != nil {
		return "invalid memory size " + strconv.Quote(n.Value) + " (use bytes or a unit: 512m, 1g, 1536M)"
	}
	return ""
}

const (
	whyExtNetwork       = "not supported by berth: berth owns its networks and creates one set per environment (declare the network without external)"
	whyExtVolume        = "not supported by berth: berth owns its volumes and creates one set per environment (declare the volume without external)"
	whyNetworkName      = "not supported by berth: berth names networks per environment"
	whyVolumeName       = "not supported by berth: berth names volumes per environment"
	whyExtSecret        = "not supported by berth: an external secret or config is a swarm object of the daemon; berth cannot create or own it, and on a shared daemon it is not this project's (give it a file, environment or content source)"
	whyFileOwner        = "not supported by berth: berth bind-mounts secrets and configs read-only from the host, so the file keeps its host owner and mode (remove it)"
	whyBuildSecretOwner = "not supported by berth: set the owner and mode where the secret is mounted (RUN --mount=type=secret,uid=...,mode=...)"
	whyBuildCache       = "not supported by berth: builds share the daemon's own build cache, which every runner reuses; exporting or importing a cache needs a registry or a builder of its own"
)

// fileRule is the allow-list of a compose file: exactly the keys berth
// supports (issues 3 and 10). Everything else is an error naming the key,
// with the reason when berth refuses it on purpose.
func fileRule() *rule {
	size := &rule{check: checkSize}
	sk := keys("image", "command", "entrypoint", "expose", "restart",
		"stop_signal", "stop_grace_period", "labels", "working_dir", "user", "hostname",
		"extra_hosts", "init", "cpus", "profiles",
		"container_name", "network_mode", "stdin_open", "tty", "sysctls", "runtime",
		"cap_add", "cap_drop", "privileged", "security_opt", "platform", "read_only",
		"tmpfs", "group_add", "pull_policy")
	sk["mem_limit"], sk["mem_reservation"], sk["shm_size"] = size, size, size
	sk["environment"] = &rule{bare: true}
	build := keys("context", "dockerfile", "dockerfile_inline", "target", "labels", "network", "extra_hosts",
		"no_cache", "pull", "additional_contexts")
	build["args"] = &rule{bare: true}
	build["shm_size"] = size
	build["secrets"] = &rule{items: &rule{keys: keys("source", "target"),
		refuse: map[string]string{"uid": whyBuildSecretOwner, "gid": whyBuildSecretOwner, "mode": whyBuildSecretOwner}}}
	sk["build"] = &rule{keys: build, refuse: map[string]string{
		"cache_from": whyBuildCache, "cache_to": whyBuildCache,
		"ssh":       "not supported by berth: a build on a shared daemon would reach the SSH agent of whichever runner built first; fetch private sources before the build, or use a build secret",
		"platforms": "not supported by berth: berth builds one image per service for the daemon's platform (set the service's platform)",
		"tags":      "not supported by berth: berth tags built images itself, per project and build (berth/<project>-<service>:<hash>)",
	}}
	sk["env_file"] = &rule{items: &rule{keys: keys("path", "required")}}
	sk["ports"] = &rule{items: &rule{keys: keys("target", "published", "host_ip", "protocol")}}
	sk["volumes"] = &rule{items: &rule{keys: keys("type", "source", "target", "read_only")}}
	sk["networks"] = &rule{anyKey: &rule{keys: keys("aliases", "ipv4_address")}}
	sk["devices"] = &rule{items: &rule{keys: keys("source", "target", "permissions")}}
	sk["logging"] = &rule{keys: keys("driver", "options")}
	fileRef := &rule{keys: keys("source", "target"),
		refuse: map[string]string{"uid": whyFileOwner, "gid": whyFileOwner, "mode": whyFileOwner}}
	sk["secrets"] = &rule{items: fileRef}
	sk["configs"] = &rule{items: fileRef}
	sk["depends_on"] = &rule{anyKey: &rule{keys: keys("condition", "required")}}
	sk["healthcheck"] = &rule{keys: keys("test", "interval", "timeout", "start_period",
		"start_interval", "retries", "disable")}
	sk["ulimits"] = &rule{anyKey: &rule{keys: keys("soft", "hard")}}
	sk["deploy"] = &rule{keys: map[string]*rule{"resources": {keys: map[string]*rule{
		"limits":       {keys: map[string]*rule{"memory": size, "cpus": leaf()}},
		"reservations": {keys: map[string]*rule{"memory": size}},
	}}}}
	sk["extends"] = &rule{keys: keys("service", "file")}
	service := &rule{service: true, ext: true, keys: sk}
	nk := keys("driver", "internal", "labels")
	nk["ipam"] = &rule{keys: map[string]*rule{
		"driver":  leaf(),
		"config":  {items: &rule{keys: keys("subnet", "ip_range", "gateway", "aux_addresses")}},
		"options": leaf(),
	}}
	network := &rule{ext: true, keys: nk,
		refuse: map[string]string{"external": whyExtNetwork, "name": whyNetworkName}}
	secret := &rule{ext: true, keys: keys("file", "environment"), oneOf: []string{"file", "environment"},
		refuse: map[string]string{"external": whyExtSecret}}
	config := &rule{ext: true, keys: keys("file", "environment", "content"), oneOf: []string{"file", "environment", "content"},
		refuse: map[string]string{"external": whyExtSecret}}
	volume := &rule{ext: true, keys: keys("driver", "labels"),
		refuse: map[string]string{"external": whyExtVolume, "name": whyVolumeName}}
	return &rule{
		ext: true,
		keys: map[string]*rule{
			"name":     leaf(),
			"version":  leaf(), // obsolete; compose accepts and ignores it
			"services": {anyKey: service},
			"networks": {anyKey: network},
			"volumes":  {anyKey: volume},
			"secrets":  {anyKey: secret},
			"configs":  {anyKey: config},
			"x-berth":  xberthRule(size),
		},
	}
}

// xberthRule is the allow-list of the x-berth extension. Its values are
// checked after interpolation, in xberth.go.
func xberthRule(size *rule) *rule {
	return &rule{keys: map[string]*rule{
		"linger":      leaf(),
		"stale_after": leaf(),
		"readiness":   leaf(),
		"restart":     {keys: keys("cooldown", "max_attempts", "window", "breaker_open_for")},
		"memory":      {anyKey: size},
		"pool":        {keys: keys("size")},
		"production": {keys: map[string]*rule{
			"images": {anyKey: leaf()},
			"file":   leaf(),
		}},
	}}
}
