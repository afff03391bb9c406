package fake_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine/enginetest"
	"github.com/berth-dev/berth/internal/engine/fake"
)

// TestContract runs the engine contract suite against a fresh fake.
func TestContract(t *testing.T) {
	e := fake.New()
	const image = "berth-testsvc:contract"
	require.NoError(t, e.ImageImport(t.Context(), strings.NewReader("rootfs"), image, nil))
	e.Publish("registry.test/enginetest:1", 2048)
	enginetest.Run(t, enginetest.Harness{Engine: e, Image: image,
		PullRef: "registry.test/enginetest:1", MissingRef: "registry.test/enginetest:missing"})
}
