package testsvc

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteFileWritesMiB(t *testing.T) {
	path := filepath.Join(t.TempDir(), "blob")
	require.NoError(t, writeFile(path, 3))
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, int64(3<<20), st.Size())
	require.NoError(t, writeFile("", 3), "no path: nothing to do")
}

func TestWriteMBNeedsAFile(t *testing.T) {
	_, err := Parse(nil, func(k string) string {
		if k == "TESTSVC_WRITE_MB" {
			return "2"
		}
		return ""
	}, os.Stderr)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "TESTSVC_WRITE_MB / --write-mb: needs TESTSVC_WRITE_FILE")
}
