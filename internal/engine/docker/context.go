package docker

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Environment variables the docker CLI reads and berth honours the same way.
const (
	envHost      = "DOCKER_HOST"
	envContext   = "DOCKER_CONTEXT"
	envConfig    = "DOCKER_CONFIG"
	envCertPath  = "DOCKER_CERT_PATH"
	envTLSVerify = "DOCKER_TLS_VERIFY"
)

// defaultContext is the docker CLI's name for "the default host".
const defaultContext = "default"

// endpoint is where and how to reach the daemon, resolved from [Options],
// the environment and the docker CLI's configuration.
type endpoint struct {
	Host   string    // daemon URL; "" means the SDK's platform default
	TLS    *tlsFiles // nil: plain connection
	Source string    // where Host came from, for error messages
}

// tlsFiles names the client TLS material. Empty paths are not loaded.
type tlsFiles struct {
	CA, Cert, Key string
	SkipVerify    bool
}

// resolveEndpoint decides which daemon to use, with the docker CLI's
// precedence: an explicit host, then DOCKER_HOST, then DOCKER_CONTEXT, then
// the "currentContext" of $DOCKER_CONFIG/config.json (default ~/.docker).
// The context "default" means the platform's default host. getenv reads the
// environment and home is the user's home directory; both are parameters so
// tests need no process-wide state. It reads local files only.
func resolveEndpoint(host string, getenv func(string) string, home string) (endpoint, error) {
	cfgDir := getenv(envConfig)
	if cfgDir == "" {
		cfgDir = filepath.Join(home, ".docker")
	}
	envTLS := tlsFromEnv(getenv, cfgDir)
	if host != "" {
		return endpoint{Host: host, TLS: envTLS, Source: "option"}, nil
	}
	if h := getenv(envHost); h != "" {
		return endpoint{Host: h, TLS: envTLS, Source: envHost}, nil
	}
	name, source := getenv(envContext), envContext
	if name == "" {
		var err error
		name, err = currentContext(cfgDir)
		if err != nil {
			return endpoint{}, err
		}
		source = filepath.Join(cfgDir, "config.json")
	}
	if name == "" || name == defaultContext {
		return endpoint{TLS: envTLS, Source: "default"}, nil
	}
	return loadContext(cfgDir, name, source)
}

// tlsFromEnv reads DOCKER_CERT_PATH and DOCKER_TLS_VERIFY like the docker
// CLI: TLS is on when either is set; the certificates default to the config
// directory; the server is verified only when DOCKER_TLS_VERIFY is set.
func tlsFromEnv(getenv func(string) string, cfgDir string) *tlsFiles {
	certPath, verify := getenv(envCertPath), getenv(envTLSVerify)
	if certPath == "" && verify == "" {
		return nil
	}
	if certPath == "" {
		certPath = cfgDir
	}
	return &tlsFiles{
		CA:         filepath.Join(certPath, "ca.pem"),
		Cert:       filepath.Join(certPath, "cert.pem"),
		Key:        filepath.Join(certPath, "key.pem"),
		SkipVerify: verify == "",
	}
}

// currentContext returns the "currentContext" of cfgDir/config.json, or ""
// when the file does not exist or names none.
func currentContext(cfgDir string) (string, error) {
	path := filepath.Join(cfgDir, "config.json")
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read docker config: %w", err)
	}
	var cfg struct {
		CurrentContext string `json:"currentContext"`
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		return "", fmt.Errorf("parse docker config %s: %w", path, err)
	}
	return cfg.CurrentContext, nil
}

// contextMeta is the part of a docker CLI context's meta.json berth reads.
type contextMeta struct {
	Name      string `json:"Name"`
	Endpoints map[string]struct {
		Host          string `json:"Host"`
		SkipTLSVerify bool   `json:"SkipTLSVerify"`
	} `json:"Endpoints"`
}

// contextDir is the directory name the docker CLI stores context name under:
// the hex SHA-256 of the name.
func contextDir(name string) string {
	sum := sha256.Sum256([]byte(name))
	return hex.EncodeToString(sum[:])
}

// loadContext reads the docker endpoint of the docker CLI context name and
// its TLS material (contexts/tls/<dir>/docker/{ca,cert,key}.pem, each
// optional). source says who asked for the context, for the error message.
func loadContext(cfgDir, name, source string) (endpoint, error) {
	dir := contextDir(name)
	metaPath := filepath.Join(cfgDir, "contexts", "meta", dir, "meta.json")
	data, err := os.ReadFile(metaPath)
	if errors.Is(err, fs.ErrNotExist) {
		return endpoint{}, fmt.Errorf("load docker context %q (from %s): no such context: %s does not exist; run `docker context ls` or unset %s", name, source, metaPath, envContext)
	}
	if err != nil {
		return endpoint{}, fmt.Errorf("load docker context %q: %w", name, err)
	}
	var meta contextMeta
	if err := json.Unmarshal(data, &meta); err != nil {
		return endpoint{}, fmt.Errorf("load docker context %q: parse %s: %w", name, metaPath, err)
	}
	ep, ok := meta.Endpoints["docker"]
	if !ok || ep.Host == "" {
		return endpoint{}, fmt.Errorf("load docker context %q: %s has no docker endpoint host", name, metaPath)
	}
	out := endpoint{Host: ep.Host, Source: fmt.Sprintf("docker context %q", name)}
	tlsDir := filepath.Join(cfgDir, "contexts", "tls", dir, "docker")
	files := tlsFiles{SkipVerify: ep.SkipTLSVerify}
	found := false
	for _, f := range []struct {
		dst  *string
		name string
	}{{&files.CA, "ca.pem"}, {&files.Cert, "cert.pem"}, {&files.Key, "key.pem"}} {
		p := filepath.Join(tlsDir, f.name)
		if _, err := os.Stat(p); err == nil {
			*f.dst, found = p, true
		}
	}
	if found || ep.SkipTLSVerify {
		out.TLS = &files
	}
	return out, nil
}
