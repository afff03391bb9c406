package lifecycle

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/berth-dev/berth/internal/plan"
)

// buildSource is what one build reads from this host: its context (and
// the files to send the classic builder), the Dockerfile's path (an
// inline Dockerfile is written to a temporary file), and the digest of
// all of it, additional contexts included.
type buildSource struct {
	ctx        *buildContext
	dockerfile string // absolute path of the Dockerfile
	digest     string
	tmp        string // temporary directory of an inline Dockerfile, or ""
}

// newBuildSource reads the sources of build b. The caller must call
// cleanup once the build ended.
func newBuildSource(b plan.BuildPlan) (*buildSource, error) {
	src := &buildSource{}
	dockerfile := b.Build.Dockerfile
	if b.Build.DockerfileInline != "" {
		dir, err := os.MkdirTemp("", "berth-dockerfile-")
		if err != nil {
			return nil, fmt.Errorf("write dockerfile_inline: %w", err)
		}
		src.tmp = dir
		dockerfile = filepath.Join(dir, "Dockerfile")
		if err := os.WriteFile(dockerfile, []byte(b.Build.DockerfileInline), 0o600); err != nil {
			src.cleanup()
			return nil, fmt.Errorf("write dockerfile_inline: %w", err)
		}
	}
	bc, err := scanBuildContext(b.Build.Context, dockerfile)
	if err != nil {
		src.cleanup()
		return nil, err
	}
	src.ctx = bc
	src.dockerfile = dockerfile
	if src.dockerfile == "" {
		src.dockerfile = "Dockerfile"
	}
	if !filepath.IsAbs(src.dockerfile) {
		src.dockerfile = filepath.Join(b.Build.Context, src.dockerfile)
	}
	if len(b.Build.AdditionalContexts) == 0 {
		src.digest = bc.digest
		return src, nil
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00", bc.digest)
	for _, name := range slices.Sorted(maps.Keys(b.Build.AdditionalContexts)) {
		extra, err := scanBuildContext(b.Build.AdditionalContexts[name], "Dockerfile")
		if err != nil {
			src.cleanup()
			return nil, fmt.Errorf("additional context %s: %w", name, err)
		}
		fmt.Fprintf(h, "%s\x00%s\x00", name, extra.digest)
	}
	src.digest = "sha256:" + hex.EncodeToString(h.Sum(nil))
	return src, nil
}

// cleanup removes the inline Dockerfile's temporary directory.
func (s *buildSource) cleanup() {
	if s.tmp != "" {
		_ = os.RemoveAll(s.tmp)
	}
}
