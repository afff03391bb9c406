package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/berth-dev/berth/internal/compose"
)

// BuildPlan is an image to build before the services start.
type BuildPlan struct {
	Service string
	// Tag is "berth/<project>-<service>:<hash>", where hash covers the
	// build section (context directory, Dockerfile, args, target) but not
	// the environment: every environment of the project with the same
	// build section shares the image. The files of the context are not
	// read here (the plan does no I/O); whoever builds compares a digest
	// of them with the image's label before reusing it.
	Tag   string
	Build compose.Build
	// Platform is the service's platform, built for ("" = the daemon's).
	Platform string
	// Labels are added to the built image's (see [Plan.Stamp]).
	Labels map[string]string
	// Secrets are the build's secrets with their sources, in the order of
	// Build.Secrets.
	Secrets []BuildSecret
}

// BuildSecret is a secret a build may mount: a host file, or content.
type BuildSecret struct {
	ID      string
	File    string            // absolute host path of a file source
	Env     string            // the variable of an environment source (for the identity only)
	Content compose.Sensitive // an environment source's value
}

// newBuildPlan plans the build of service s of project p.
func newBuildPlan(id Identity, p *compose.Project, s compose.Service) (BuildPlan, error) {
	b := *s.Build
	b.Args = maps.Clone(b.Args)
	project := p.Name
	if project == "" {
		project = id.Project
	}
	secrets, err := buildSecrets(p, b.Secrets)
	if err != nil {
		return BuildPlan{}, err
	}
	return BuildPlan{Service: s.Name, Tag: "berth/" + tagName(project+"-"+s.Name) + ":" + buildHash(b, s.Platform, secrets),
		Build: b, Platform: s.Platform, Secrets: secrets}, nil
}

// buildSecrets resolves a build's secrets to the project's top-level ones.
func buildSecrets(p *compose.Project, refs []compose.BuildSecret) ([]BuildSecret, error) {
	var out []BuildSecret
	for _, r := range refs {
		i := slices.IndexFunc(p.Secrets, func(o compose.FileObject) bool { return o.Name == r.Source })
		if i < 0 {
			return nil, fmt.Errorf("build secret %q is not declared in the top-level secrets", r.Source)
		}
		o := p.Secrets[i]
		out = append(out, BuildSecret{ID: r.ID, File: o.File, Env: o.Environment, Content: o.Content})
	}
	return out, nil
}

// buildHash is 12 hex digits of a hash of what decides the image: the
// context directory, Dockerfile (path or inline text), target, args,
// platform, additional contexts and the secrets' sources, never their
// content. What came after the first four counts only when set, so tags
// without it stay as they were.
func buildHash(b compose.Build, platform string, secrets []BuildSecret) string {
	h := sha256.New()
	field := func(s string) {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	field(b.Context)
	field(b.Dockerfile)
	field(b.Target)
	for _, k := range slices.Sorted(maps.Keys(b.Args)) {
		field(k)
		if v := b.Args[k]; v != nil {
			field("=" + *v)
		} else {
			field("")
		}
	}
	if platform != "" {
		field("platform=" + platform)
	}
	if b.DockerfileInline != "" {
		field("dockerfile_inline=" + b.DockerfileInline)
	}
	for _, k := range slices.Sorted(maps.Keys(b.AdditionalContexts)) {
		field("context:" + k + "=" + b.AdditionalContexts[k])
	}
	for _, s := range secrets {
		field("secret:" + s.ID + "=file:" + s.File + ",env:" + s.Env)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// tagName lower-cases s and replaces what a repository name may not hold.
func tagName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteRune('-')
		}
	}
	return strings.Trim(b.String(), "-_.")
}
