package lifecycle_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/compose"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/progress"
)

func TestNeedsPull(t *testing.T) {
	now := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	day := compose.PullPolicy{Mode: compose.PullRefresh, Every: 24 * time.Hour}
	for _, tc := range []struct {
		name     string
		policy   compose.PullPolicy
		present  bool
		pulledAt time.Time
		pull     bool
		never    bool
	}{
		{"missing, absent", compose.PullPolicy{Mode: compose.PullMissing}, false, time.Time{}, true, false},
		{"missing, present", compose.PullPolicy{Mode: compose.PullMissing}, true, now, false, false},
		{"always, present", compose.PullPolicy{Mode: compose.PullAlways}, true, now, true, false},
		{"never, present", compose.PullPolicy{Mode: compose.PullNever}, true, now, false, false},
		{"never, absent", compose.PullPolicy{Mode: compose.PullNever}, false, time.Time{}, false, true},
		{"daily, absent", day, false, time.Time{}, true, false},
		{"daily, pulled an hour ago", day, true, now.Add(-time.Hour), false, false},
		{"daily, pulled a day ago", day, true, now.Add(-24 * time.Hour), true, false},
		{"daily, pull time unknown", day, true, time.Time{}, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pull, err := lifecycle.NeedsPull(tc.policy, tc.present, tc.pulledAt, now)
			assert.Equal(t, tc.pull, pull)
			assert.Equal(t, tc.never, err != nil, "%v", err)
		})
	}
}

// pullRecorder is a [recorder] that also keeps pull progress.
type pullRecorder struct {
	*recorder
	mu    sync.Mutex
	pulls []progress.PullState
}

func (r *pullRecorder) Pull(_ string, s progress.PullState) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pulls = append(r.pulls, s)
}

// An image that is not on the daemon is pulled before anything of the
// environment is created, once for the services that share it, with its
// progress reported for each of them.
func TestUpPullsMissingImagesFirst(t *testing.T) {
	e := newFake(t)
	const ref = "registry.test/app:1"
	e.Publish(ref, 4000)
	a, b := svc("a", nil), svc("b", nil)
	a.Image, b.Image = ref, ref
	rec := &pullRecorder{recorder: newRecorder()}
	require.NoError(t, <-upAsync(t, e, planOf(t, "pull-1", a, b), lifecycle.UpOptions{Progress: rec}))
	assert.Equal(t, 1, e.Calls(engine.OpImagePull))
	assert.Less(t, rec.index("a pulling"), rec.index("a creating"))
	assert.GreaterOrEqual(t, rec.index("b pulling"), 0)
	require.NotEmpty(t, rec.pulls)
	last := rec.pulls[len(rec.pulls)-1]
	assert.Equal(t, progress.PullState{Image: ref, Layers: 1, Done: 1, Bytes: 4000, Total: 4000}, last)

	// Present now: a second environment does not pull (policy missing).
	require.NoError(t, <-upAsync(t, e, planOf(t, "pull-2", a), lifecycle.UpOptions{}))
	assert.Equal(t, 1, e.Calls(engine.OpImagePull))
}

// A pull that fails (absent from the registry, refused credentials, a
// missing image under pull_policy never) fails the up before anything is
// created, naming the image, the registry and the cause.
func TestUpPullFailuresCreateNothing(t *testing.T) {
	for _, tc := range []struct {
		name   string
		image  string
		policy string
		inject error
		want   string
	}{
		{"not found", "registry.test/app:missing", compose.PullMissing, nil, "not found"},
		{"auth", "registry.test/app:1", compose.PullMissing, engine.ErrAuth, "authentication failed: log in to registry.test"},
		{"never", "registry.test/app:1", compose.PullNever, nil, "the pull policy is never"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFake(t)
			e.Publish("registry.test/app:1", 100)
			s := svc("app", nil)
			s.Image, s.Pull = tc.image, compose.PullPolicy{Mode: tc.policy}
			if tc.inject != nil {
				e.FailNext(engine.OpImagePull, tc.inject)
			}
			err := <-upAsync(t, e, planOf(t, "pullfail", s), lifecycle.UpOptions{})
			var pe *lifecycle.PullError
			require.True(t, errors.As(err, &pe), "%v", err)
			assert.Contains(t, err.Error(), "image "+s.Image+" for service app from registry registry.test: ")
			assert.Contains(t, err.Error(), tc.want)
			assert.Zero(t, e.Calls(engine.OpContainerCreate), "no container created")
			assert.Zero(t, e.Calls(engine.OpNetworkCreate), "no network created")
			assert.Zero(t, e.Calls(engine.OpVolumeCreate), "no volume created")
		})
	}
}

// Several images are pulled side by side, and every failure is reported.
func TestPullImagesReportsEveryFailure(t *testing.T) {
	e := newFake(t)
	var services []compose.Service
	for i := range 3 {
		s := svc(fmt.Sprintf("s%d", i), nil)
		s.Image = fmt.Sprintf("registry.test/missing-%d:1", i)
		services = append(services, s)
	}
	err := lifecycle.PullImages(t.Context(), e, planOf(t, "pulls", services...), nil)
	for i := range 3 {
		assert.Contains(t, err.Error(), fmt.Sprintf("image registry.test/missing-%d:1 for service s%d", i, i))
	}
}
