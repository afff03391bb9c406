package berth_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

// A project name of 250 characters (compose allows it) goes into lock and
// file names bounded: it acquires and releases.
func TestLongProjectNameAcquiresAndReleases(t *testing.T) {
	r := newRig(t, "BERTH_LINGER", "0")
	m := r.open()
	o := r.options()
	o.ProjectName = strings.Repeat("p", 250)
	env := r.acquire(m, o)
	assert.True(t, strings.HasPrefix(env.ID, o.ProjectName))
	require.NoError(t, env.Release(t.Context()))
	cs, err := r.eng.ContainerList(t.Context(), engine.ListFilter{All: true})
	require.NoError(t, err)
	assert.Empty(t, cs, "released with linger 0: torn down")
}
