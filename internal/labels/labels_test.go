package labels

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestStateOfNamesHostAndDirectory(t *testing.T) {
	a := StateOf("ci-1", "/home/ci/.local/state/berth/d1")
	assert.Len(t, a, 12)
	assert.Equal(t, a, StateOf("ci-1", "/home/ci/.local/state/berth/d1/"), "the same directory, cleaned")
	assert.NotEqual(t, a, StateOf("ci-2", "/home/ci/.local/state/berth/d1"), "another host with the same path")
	assert.NotEqual(t, a, StateOf("ci-1", "/tmp/berth"), "another directory")
}
