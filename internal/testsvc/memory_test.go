package testsvc

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHolderCounts(t *testing.T) {
	var h Holder
	n, err := h.Hold(0)
	require.NoError(t, err)
	assert.Equal(t, 0, n)
	n, err = h.Hold(1)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	_, err = h.Hold(-1)
	require.Error(t, err)
	assert.Equal(t, 1, h.HeldMB())
}
