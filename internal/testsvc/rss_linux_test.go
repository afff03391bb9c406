package testsvc

import (
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHoldIsResident checks, in a fresh process, that held memory really
// counts in RSS: TESTSVC_HOLD_MB at start and POST /hold later.
func TestHoldIsResident(t *testing.T) {
	p := spawn(t, []string{"TESTSVC_PORTS=0", "TESTSVC_HOLD_MB=32"})
	port := p.port(t)
	start := rssMB(t, p.cmd.Process.Pid)
	assert.GreaterOrEqual(t, start, 32, "RSS with 32 MB held")

	resp, err := http.Post("http://127.0.0.1:"+strconv.Itoa(port)+"/hold?mb=64", "", nil)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	after := rssMB(t, p.cmd.Process.Pid)
	assert.GreaterOrEqual(t, after-start, 60, "RSS grew from %d MB to %d MB", start, after)
}

func rssMB(t *testing.T, pid int) int {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	require.NoError(t, err)
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, err := strconv.Atoi(f[1])
			require.NoError(t, err)
			return kb / 1024
		}
	}
	t.Fatal("no VmRSS in status")
	return 0
}
