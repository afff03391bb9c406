package docker_test

import (
	"testing"

	"github.com/berth-dev/berth/internal/engine/enginetest"
	"github.com/berth-dev/berth/internal/itest"
)

// TestContract runs the engine contract suite against the real daemon. It
// is skipped without a daemon unless BERTH_INTEGRATION=1 (see itest).
func TestContract(t *testing.T) {
	e := itest.Engine(t)
	enginetest.Run(t, enginetest.Harness{Engine: e, Image: itest.Image(t, e)})
}
