package docker_test

import (
	"strings"
	"testing"

	"github.com/berth-dev/berth/internal/engine/enginetest"
	"github.com/berth-dev/berth/internal/itest"
)

// TestContract runs the engine contract suite against the real daemon. It
// is skipped without a daemon unless BERTH_INTEGRATION=1 (see itest).
func TestContract(t *testing.T) {
	e := itest.Engine(t)
	reg := itest.StartRegistry(t, itest.RegistryOptions{})
	repo := "enginetest-" + strings.ToLower(strings.NewReplacer("/", "-", ".", "-").Replace(itest.ID(t)))
	ref := reg.PushTestImage(t, e, repo, "v1", 1, 64<<10)
	enginetest.Run(t, enginetest.Harness{Engine: e, Image: itest.Image(t, e),
		PullRef: ref, MissingRef: reg.Addr + "/" + repo + ":missing"})
}
