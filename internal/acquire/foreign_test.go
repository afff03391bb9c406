package acquire

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/lifecycle"
)

// TestAcquireRefusesAnotherStateDirectorysEnvironment: containers stamped
// by another state directory are not adopted (their leases are out of
// sight); unstamped or our own are.
func TestAcquireRefusesAnotherStateDirectorysEnvironment(t *testing.T) {
	a := &Acquirer{StateID: "aaaaaaaaaaaa"}
	st := func(stamps ...string) lifecycle.EnvStatus {
		var s lifecycle.EnvStatus
		for _, v := range stamps {
			s.Services = append(s.Services, lifecycle.ServiceStatus{Service: "web", StateLabel: v})
		}
		return s
	}
	require.NoError(t, a.refuseForeign("demo-1", st("aaaaaaaaaaaa", "")))
	err := a.refuseForeign("demo-1", st("aaaaaaaaaaaa", "bbbbbbbbbbbb"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "environment demo-1 is already up, made by a berth with another state directory (dev.berth.state=bbbbbbbbbbbb")
}
