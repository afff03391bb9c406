package acquire

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/lifecycle"
)

// TestAcquireRefusesAnotherStateDirectorysEnvironment: containers stamped
// by another state directory are not adopted (their leases are out of
// sight); unstamped or our own are, our own by either label: the state's
// ID (the same directory mounted at another path) or its path hash (the
// directory recreated at its path, with a new ID).
func TestAcquireRefusesAnotherStateDirectorysEnvironment(t *testing.T) {
	const ourID, otherID = "111111111111111111111111", "222222222222222222222222"
	a := &Acquirer{State: labels.Identity{Path: "aaaaaaaaaaaa", ID: ourID}}
	st := func(stamps ...[2]string) lifecycle.EnvStatus {
		var s lifecycle.EnvStatus
		for _, v := range stamps {
			s.Services = append(s.Services, lifecycle.ServiceStatus{Service: "web", StateLabel: v[0], StateIDLabel: v[1]})
		}
		return s
	}
	require.NoError(t, a.refuseForeign("demo-1", st([2]string{"aaaaaaaaaaaa", ""}, [2]string{"", ""})))
	require.NoError(t, a.refuseForeign("demo-1", st([2]string{"cccccccccccc", ourID})), "mounted elsewhere: ours by ID")
	require.NoError(t, a.refuseForeign("demo-1", st([2]string{"aaaaaaaaaaaa", otherID})), "recreated at its path: ours by path")

	err := a.refuseForeign("demo-1", st([2]string{"aaaaaaaaaaaa", ""}, [2]string{"bbbbbbbbbbbb", ""}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "environment demo-1 is already up, made by a berth with another state directory (dev.berth.state=bbbbbbbbbbbb")
	err = a.refuseForeign("demo-1", st([2]string{"cccccccccccc", otherID}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "dev.berth.state-id="+otherID)
}
