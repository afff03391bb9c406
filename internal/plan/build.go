package plan

import (
	"crypto/sha256"
	"encoding/hex"
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
}

// newBuildPlan plans the build of service s of project project.
func newBuildPlan(id Identity, project string, s compose.Service) BuildPlan {
	b := *s.Build
	b.Args = maps.Clone(b.Args)
	if project == "" {
		project = id.Project
	}
	return BuildPlan{Service: s.Name, Tag: "berth/" + tagName(project+"-"+s.Name) + ":" + buildHash(b, s.Platform), Build: b,
		Platform: s.Platform}
}

// buildHash is 12 hex digits of a hash of the build section and the
// platform (which counts only when set, so tags without one stay as they
// were).
func buildHash(b compose.Build, platform string) string {
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
