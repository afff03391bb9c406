package docker

import (
	"context"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/docker/cli/cli/config"
	bkclient "github.com/moby/buildkit/client"
	"github.com/moby/buildkit/session"
	"github.com/moby/buildkit/session/auth/authprovider"
	"github.com/moby/buildkit/session/secrets"
	"github.com/moby/buildkit/session/secrets/secretsprovider"
	"github.com/tonistiigi/fsutil"

	"github.com/berth-dev/berth/internal/engine"
)

// apiNamedContexts is the first API version whose daemon's built-in
// Dockerfile frontend knows named contexts and shm-size (Docker 23,
// BuildKit 0.10 and later); Docker 20.10 (API 1.41) ships BuildKit 0.8.
const apiNamedContexts = "1.42"

// The names the Dockerfile frontend gives its local sources.
const (
	localContext    = "context"
	localDockerfile = "dockerfile"
)

// dockerfileFrontend is the daemon's built-in Dockerfile frontend.
const dockerfileFrontend = "dockerfile.v0"

// solveOpt turns spec into a solve of the built-in Dockerfile frontend
// whose result the "moby" exporter stores in the daemon's image store
// under spec's tags. namedContexts says whether the daemon's frontend
// supports named contexts and shm-size; spec options it cannot honour are
// refused (ErrInvalid) with the reason.
func solveOpt(spec engine.BuildSpec, namedContexts bool, apiVersion string) (bkclient.SolveOpt, error) {
	var opt bkclient.SolveOpt
	if !namedContexts {
		for what, set := range map[string]bool{"additional_contexts": len(spec.AdditionalContexts) > 0, "shm_size": spec.ShmSize > 0} {
			if set {
				return opt, fmt.Errorf("%s: the daemon's built-in BuildKit Dockerfile frontend does not support it "+
					"(it needs Docker 23 or later, API %s; this daemon speaks API %s): remove the key, or use a newer daemon",
					what, apiNamedContexts, apiVersion)
			}
		}
	}
	dockerfile := spec.DockerfilePath
	if dockerfile == "" {
		dockerfile = filepath.Join(spec.Dir, "Dockerfile")
	}
	ctxFS, err := fsutil.NewFS(spec.Dir)
	if err != nil {
		return opt, fmt.Errorf("build context %s: %w", spec.Dir, err)
	}
	dfFS, err := fsutil.NewFS(filepath.Dir(dockerfile))
	if err != nil {
		return opt, fmt.Errorf("Dockerfile %s: %w", dockerfile, err)
	}
	attrs := map[string]string{"filename": filepath.Base(dockerfile)}
	mounts := map[string]fsutil.FS{localContext: ctxFS, localDockerfile: dfFS}
	for _, k := range slices.Sorted(maps.Keys(spec.Args)) {
		if v := spec.Args[k]; v != nil {
			attrs["build-arg:"+k] = *v
		}
	}
	for k, v := range spec.Labels {
		attrs["label:"+k] = v
	}
	if spec.Target != "" {
		attrs["target"] = spec.Target
	}
	if spec.Platform != "" {
		attrs["platform"] = spec.Platform
	}
	if spec.NoCache {
		attrs["no-cache"] = ""
	}
	if spec.Pull {
		attrs["image-resolve-mode"] = "pull"
	}
	if len(spec.ExtraHosts) > 0 {
		attrs["add-hosts"] = strings.Join(spec.ExtraHosts, ",")
	}
	if spec.ShmSize > 0 {
		attrs["shm-size"] = strconv.FormatInt(spec.ShmSize, 10)
	}
	if spec.IgnoreSyntax {
		// The frontend forwards to a "# syntax=" image only when it was not
		// itself started by such a forward, which "cmdline" marks.
		attrs["cmdline"] = ""
	}
	switch spec.Network {
	case "", "default":
	case "host", "none":
		attrs["force-network-mode"] = spec.Network
		if spec.Network == "host" {
			opt.AllowedEntitlements = []string{"network.host"}
		}
	default:
		return opt, fmt.Errorf("network %q: BuildKit runs build steps on its own network, the host's or none (default, host, none)", spec.Network)
	}
	for name, dir := range spec.AdditionalContexts {
		fs, err := fsutil.NewFS(dir)
		if err != nil {
			return opt, fmt.Errorf("additional context %s (%s): %w", name, dir, err)
		}
		local := "berth-ctx-" + name
		mounts[local] = fs
		attrs["context:"+name] = "local:" + local
	}
	attachables, err := sessionAttachables(spec.Secrets)
	if err != nil {
		return opt, err
	}
	opt.Frontend = dockerfileFrontend
	opt.FrontendAttrs = attrs
	opt.LocalMounts = mounts
	opt.Session = attachables
	opt.Exports = []bkclient.ExportEntry{{Type: "moby", Attrs: map[string]string{"name": strings.Join(spec.Tags, ",")}}}
	return opt, nil
}

// sessionAttachables are what the build's session offers the daemon:
// registry credentials as the docker CLI finds them, and the secrets.
func sessionAttachables(secrets []engine.BuildSecret) ([]session.Attachable, error) {
	cf := config.LoadDefaultConfigFile(io.Discard)
	out := []session.Attachable{authprovider.NewDockerAuthProvider(authprovider.DockerAuthProviderConfig{
		AuthConfigProvider: authprovider.LoadAuthConfig(cf),
	})}
	if len(secrets) == 0 {
		return out, nil
	}
	var files []secretsprovider.Source
	data := map[string][]byte{}
	for _, s := range secrets {
		if s.File != "" {
			files = append(files, secretsprovider.Source{ID: s.ID, FilePath: s.File})
		} else {
			data[s.ID] = s.Data
		}
	}
	store, err := secretsprovider.NewStore(files)
	if err != nil {
		return nil, fmt.Errorf("build secrets: %w", err)
	}
	return append(out, secretsprovider.NewSecretProvider(secretStores{store, data})), nil
}

// secretStores serves a build's secrets: file sources from files, the
// others from memory.
type secretStores struct {
	files secrets.SecretStore
	data  map[string][]byte
}

// GetSecret returns secret id's content, or an error wrapping
// [secrets.ErrNotFound].
func (s secretStores) GetSecret(ctx context.Context, id string) ([]byte, error) {
	if d, ok := s.data[id]; ok {
		return append([]byte(nil), d...), nil
	}
	return s.files.GetSecret(ctx, id)
}
