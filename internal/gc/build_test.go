package gc

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/store"
)

var now = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

const ours = "aaaaaaaaaaaa"

// facts is a daemon with a store created a day ago.
func facts() Facts {
	return Facts{Now: now, StoreCreated: now.Add(-24 * time.Hour), State: ours, Busy: map[string]bool{},
		BuildCacheReclaimable: -1}
}

// withEnv adds a store environment with one running container, a network
// and a volume, all created at created.
func (f *Facts) withEnv(rec store.Env, live int, created time.Time) {
	f.Envs = append(f.Envs, Env{Record: rec, LiveLeases: live})
	f.withResources(rec.ID, ours, created)
}

// withResources adds env's labelled container, network and volume.
func (f *Facts) withResources(env, state string, created time.Time) {
	l := map[string]string{labels.Env: env}
	if state != "" {
		l[labels.State] = state
	}
	f.Containers = append(f.Containers, Container{ID: "c-" + env, Name: env + "-api-1", Labels: l, State: "running", Created: created, Size: 100})
	f.Networks = append(f.Networks, Network{ID: "n-" + env, Name: env + "_default", Labels: l, Created: created})
	f.Volumes = append(f.Volumes, Volume{Name: env + "_data", Labels: l, Created: created, Size: 1000, RefCount: 1})
}

func shared(id string, created time.Time) store.Env {
	return store.Env{ID: id, Mode: "shared", State: store.StateReady, CreatedAt: created, Linger: 2 * time.Minute}
}

func safe() Settings { return Settings{Mode: Safe, MinAge: DefaultMinAge} }

func ptr[T any](v T) *T { return &v }

// kinds lists the plan's actions as "kind id".
func kinds(p Plan) []string {
	var out []string
	for _, a := range p.Actions {
		out = append(out, string(a.Kind)+" "+a.ID)
	}
	return out
}

func keptReason(t *testing.T, p Plan, env string) string {
	t.Helper()
	i := slices.IndexFunc(p.Kept, func(k Kept) bool { return k.Env == env })
	require.GreaterOrEqual(t, i, 0, "environment %s kept; plan %+v", env, p)
	return p.Kept[i].Reason
}

func TestLiveLeaseKeepsAnEnvironmentWhateverItsAge(t *testing.T) {
	f := facts()
	rec := shared("old", now.Add(-48*time.Hour))
	rec.IdleSince = now.Add(-time.Hour) // a stale idle mark must not matter
	f.withEnv(rec, 1, rec.CreatedAt)
	s := safe()
	s.StaleAfter = ptr(time.Second)
	p := Build(f, s)
	assert.Empty(t, p.Actions)
	assert.Empty(t, p.Teardowns)
	assert.Contains(t, keptReason(t, p, "old"), "in use: 1 live lease")
}

func TestIdleEnvironmentGoesInLifecycleOrder(t *testing.T) {
	f := facts()
	a := shared("a", now.Add(-time.Hour))
	a.IdleSince = now.Add(-3 * time.Minute)
	b := shared("b", now.Add(-time.Hour))
	b.IdleSince = now.Add(-10 * time.Minute)
	f.withEnv(b, 0, b.CreatedAt)
	f.withEnv(a, 0, a.CreatedAt)
	p := Build(f, safe())
	assert.Equal(t, []string{"container c-a", "container c-b", "network n-a", "network n-b", "volume a_data", "volume b_data"}, kinds(p))
	require.Len(t, p.Teardowns, 2)
	assert.Equal(t, Teardown{Env: "a", Known: true, CreatedAt: a.CreatedAt, IdleSince: a.IdleSince, Reason: "idle for 3m0s, linger 2m0s passed"}, p.Teardowns[0])
	assert.Equal(t, int64(2200), p.Reclaimable())
	assert.Equal(t, "a", p.Actions[0].Env)
}

func TestLingeringEnvironmentStaysUntilStale(t *testing.T) {
	f := facts()
	rec := shared("demo", now.Add(-5*time.Hour))
	rec.Linger = 24 * time.Hour
	rec.IdleSince = now.Add(-time.Hour)
	f.withEnv(rec, 0, rec.CreatedAt)

	s := safe()
	s.StaleAfter = ptr(6 * time.Hour)
	p := Build(f, s)
	assert.Empty(t, p.Actions)
	assert.Equal(t, "lingering for reuse until 2026-12-02 11:00:00 (linger 24h0m0s)", keptReason(t, p, "demo"))

	p = Build(f, safe()) // the default 4 h
	require.Len(t, p.Teardowns, 1)
	assert.Equal(t, "stale: created 5h0m0s ago, stale after 4h0m0s, no live lease", p.Teardowns[0].Reason)
}

func TestProjectStaleAgeAppliesUnlessOverridden(t *testing.T) {
	f := facts()
	rec := shared("demo", now.Add(-2*time.Hour))
	rec.Linger = 24 * time.Hour
	rec.IdleSince = now.Add(-time.Minute)
	rec.StaleAfter = time.Hour // x-berth.stale_after
	f.withEnv(rec, 0, rec.CreatedAt)
	assert.Len(t, Build(f, safe()).Teardowns, 1, "x-berth.stale_after 1h")
	s := safe()
	s.StaleAfter = ptr(3 * time.Hour)
	assert.Empty(t, Build(f, s).Teardowns, "--stale-after 3h wins over x-berth")
}

func TestDedicatedCopyWithoutLeaseGoesAtOnce(t *testing.T) {
	f := facts()
	rec := shared("demo-d1", now.Add(-time.Minute))
	rec.Mode, rec.Linger, rec.IdleSince = "dedicated", time.Hour, now.Add(-time.Second)
	f.withEnv(rec, 0, rec.CreatedAt)
	p := Build(f, safe())
	require.Len(t, p.Teardowns, 1)
	assert.Equal(t, "dedicated copy with no live lease", p.Teardowns[0].Reason)
}

func TestBusyEnvironmentIsKept(t *testing.T) {
	f := facts()
	rec := shared("demo", now.Add(-time.Hour))
	f.withEnv(rec, 0, rec.CreatedAt)
	f.Busy["demo"] = true
	p := Build(f, safe())
	assert.Empty(t, p.Actions)
	assert.Contains(t, keptReason(t, p, "demo"), "lock is held")
}

func TestBrokenEnvironmentGoes(t *testing.T) {
	f := facts()
	rec := shared("demo", now.Add(-time.Hour))
	rec.Linger, rec.IdleSince = time.Hour, now.Add(-time.Minute)
	f.withEnv(rec, 0, rec.CreatedAt)
	f.Containers = append(f.Containers, Container{ID: "job", Name: "demo-migrate-1", Labels: f.Containers[0].Labels,
		State: "exited", ExitCode: 0, Created: rec.CreatedAt})
	assert.Empty(t, Build(f, safe()).Teardowns, "a job that exited 0 is part of a healthy environment")
	f.Containers[0].State, f.Containers[0].ExitCode = "exited", 137
	p := Build(f, safe())
	require.Len(t, p.Teardowns, 1)
	assert.Equal(t, "broken: container demo-api-1 exited with code 137; its next acquire would recreate it", p.Teardowns[0].Reason)
	assert.Equal(t, []string{"container c-demo", "container job", "network n-demo", "volume demo_data"}, kinds(p))
}

func TestOrphans(t *testing.T) {
	old := now.Add(-time.Hour)
	for _, tc := range []struct {
		name     string
		state    string
		creator  string
		created  time.Time
		running  bool
		stale    time.Duration
		teardown string // "" = kept
		kept     string
	}{
		{name: "made on this host", state: ours, creator: "me@here:1", created: old, running: true, teardown: "orphan: berth's store does not know it, created 1h0m0s ago"},
		{name: "made on another host", state: ours, creator: "me@there:1", created: old, running: false, kept: "made on host there, whose berth may hold its leases; taken down once stale (at 2026-12-01 15:00:00)"},
		{name: "made on another host, stale", state: ours, creator: "me@there:1", created: old, stale: 30 * time.Minute, teardown: "orphan made on host there, stale: created 1h0m0s ago, stale after 30m0s"},
		{name: "orphan after the store", state: ours, created: old, running: true, teardown: "orphan: berth's store does not know it, created 1h0m0s ago"},
		{name: "too young", state: ours, created: now.Add(-time.Minute), running: true, kept: "younger than the minimum age 5m0s"},
		{name: "another state directory", state: "bbbbbbbbbbbb", created: old, running: false, kept: "another berth state directory (dev.berth.state=bbbbbbbbbbbb)"},
		{name: "older than the store, running", state: ours, created: now.Add(-30 * time.Hour), running: true, stale: 48 * time.Hour, kept: "taken down once stale (at 2026-12-02 06:00:00)"},
		{name: "older than the store, running, stale", state: ours, created: now.Add(-30 * time.Hour), running: true, stale: 29 * time.Hour, teardown: "orphan older than the store, stale: created 30h0m0s ago, stale after 29h0m0s"},
		{name: "older than the store, stopped", state: ours, created: now.Add(-30 * time.Hour), teardown: "orphan: berth's store does not know it, created 30h0m0s ago"},
		{name: "unstamped is not known to be ours", state: "", created: old, running: false, kept: "carries no dev.berth.state label"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := facts()
			f.Host = "here"
			f.withResources("lost", tc.state, tc.created)
			if tc.creator != "" {
				f.Containers[0].Labels[labels.Creator] = tc.creator
			}
			if !tc.running {
				f.Containers[0].State = "exited"
			}
			s := safe()
			if tc.stale > 0 {
				s.StaleAfter = &tc.stale
			}
			p := Build(f, s)
			if tc.teardown == "" {
				assert.Empty(t, p.Actions)
				assert.Contains(t, keptReason(t, p, "lost"), tc.kept)
				return
			}
			require.Len(t, p.Teardowns, 1)
			assert.Equal(t, Teardown{Env: "lost", Reason: tc.teardown}, p.Teardowns[0])
			assert.Equal(t, []string{"container c-lost", "network n-lost", "volume lost_data"}, kinds(p))
		})
	}
}

func TestModesReachFurtherStepByStep(t *testing.T) {
	f := facts()
	old := now.Add(-time.Hour)
	live := shared("live", old)
	f.withEnv(live, 1, old)
	idle := shared("idle", old)
	idle.Linger, idle.IdleSince = 24*time.Hour, now.Add(-time.Minute)
	f.withEnv(idle, 0, old)
	berthLabels := func(env string) map[string]string { return map[string]string{labels.Env: env, labels.State: ours} }
	f.Volumes = append(f.Volumes,
		Volume{Name: "idle_spare", Labels: berthLabels("idle"), Created: old, Size: 7, RefCount: 0},
		Volume{Name: "live_spare", Labels: berthLabels("live"), Created: old, Size: 7, RefCount: 0},
		Volume{Name: "foreign_unused", Created: old, Size: 5, RefCount: 0},
		Volume{Name: "foreign_used", Created: old, Size: 5, RefCount: 1},
		Volume{Name: "foreign_new", Created: now.Add(-time.Second), Size: 5, RefCount: 0},
		Volume{Name: "foreign_unknown", Created: old, Size: -1, RefCount: -1},
	)
	built := map[string]string{labels.Creator: "me@host:1", labels.State: ours}
	f.Images = []Image{
		{ID: "sha256:01berthdangling", Labels: built, Created: old, Size: 300, SharedSize: 100},
		{ID: "sha256:02berthtagged", Tags: []string{"demo-api:berth"}, Labels: built, Created: old, Size: 300},
		{ID: "sha256:03foreigndangling", Tags: []string{"<none>:<none>"}, Created: old, Size: 50},
		{ID: "sha256:04foreignunused", Tags: []string{"busybox:latest"}, Created: old, Size: 50},
		{ID: "sha256:05foreignused", Tags: []string{"nginx:latest"}, Created: old, Size: 50, Containers: 2},
		{ID: "sha256:06berthdanglingused", Labels: built, Created: old, Size: 50, Containers: 1},
		{ID: "sha256:07foreignnew", Created: now.Add(-time.Minute), Size: 50},
		{ID: "sha256:08otherstatedangling", Labels: map[string]string{labels.Creator: "them@host:1", labels.State: "bbbbbbbbbbbb"}, Created: old, Size: 50},
	}
	f.BuildCacheRecords, f.BuildCacheReclaimable = 3, 1<<20

	p := Build(f, safe())
	assert.Empty(t, p.Actions, "safe: nothing here is idle, stale or orphaned")

	s := safe()
	s.Mode = Normal
	p = Build(f, s)
	assert.Equal(t, []string{"volume idle_spare", "image sha256:01berthdangling"}, kinds(p))
	assert.Equal(t, int64(7+200), p.Reclaimable())

	s.Mode = Deep
	p = Build(f, s)
	assert.Equal(t, []string{
		"volume foreign_unused", "volume idle_spare",
		"image sha256:01berthdangling", "image sha256:02berthtagged", "image sha256:03foreigndangling", "image sha256:04foreignunused",
		"image sha256:08otherstatedangling",
		"build-cache ",
	}, kinds(p))
	assert.Equal(t, "busybox:latest", p.Actions[5].Name)
	assert.Equal(t, []string{"busybox:latest"}, p.Actions[5].Tags)
	assert.Empty(t, p.Actions[4].Tags, "the <none> placeholder is no tag")
	assert.Contains(t, p.Kept, Kept{Name: "volume foreign_new", Reason: "unused but younger than the minimum age 5m0s"})
	assert.Equal(t, "", p.Actions[0].Env, "a foreign volume runs under no environment lock")
	assert.Equal(t, "idle", p.Actions[1].Env)
}

func TestNormalModeLeavesAnotherStateDirectorysVolume(t *testing.T) {
	f := facts()
	f.Volumes = []Volume{{Name: "theirs", Labels: map[string]string{labels.Env: "x", labels.State: "bbbbbbbbbbbb"},
		Created: now.Add(-time.Hour), RefCount: 0}}
	s := safe()
	s.Mode = Deep
	assert.Empty(t, Build(f, s).Actions)
}

func TestBuildIsDeterministic(t *testing.T) {
	f := facts()
	for _, id := range []string{"c", "a", "b"} {
		rec := shared(id, now.Add(-time.Hour))
		f.withEnv(rec, 0, rec.CreatedAt)
	}
	first := Build(f, safe())
	for range 10 {
		assert.Equal(t, first, Build(f, safe()))
	}
}

func TestParseMode(t *testing.T) {
	for _, m := range []Mode{Safe, Normal, Deep} {
		got, err := ParseMode(m.String())
		require.NoError(t, err)
		assert.Equal(t, m, got)
	}
	_, err := ParseMode("aggressive")
	assert.EqualError(t, err, `unknown gc mode "aggressive": want safe, normal or deep`)
}

// TestDeadLeasesCountAsIdleFromNow: a dry run does not reap, but plans as
// if it had: an environment whose only lease is dead lingers from now, as
// it will once the real run has reaped it.
func TestDeadLeasesCountAsIdleFromNow(t *testing.T) {
	f := facts()
	rec := shared("demo", now.Add(-10*time.Minute)) // linger 2m, never idle-marked
	f.withEnv(rec, 0, rec.CreatedAt)
	f.Envs[0].DeadLeases = 1
	p := Build(f, safe())
	assert.Empty(t, p.Teardowns)
	assert.Equal(t, "lingering for reuse until 2026-12-01 12:02:00 (linger 2m0s)", keptReason(t, p, "demo"))

	f.Envs[0].DeadLeases = 0 // reaped meanwhile: the store marked it idle
	f.Envs[0].Record.IdleSince = now
	assert.Equal(t, p, Build(f, safe()), "the same plan before and after reaping")
}

func TestCandidatesAreOursOnly(t *testing.T) {
	f := facts()
	f.withEnv(shared("known", now.Add(-time.Hour)), 0, now.Add(-time.Hour))
	f.withResources("orphan", ours, now.Add(-time.Hour))
	f.withResources("theirs", "bbbbbbbbbbbb", now.Add(-time.Hour))
	f.withResources("unstamped", "", now.Add(-time.Hour))
	assert.Equal(t, []string{"known", "orphan"}, Candidates(f))
}
