package e2e

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestChaosRunnersKilledAtRandom: eight runners share one stack; three
// picked at random are SIGKILLed at random moments of their acquire or up,
// then one more in the middle of its release (with linger 0 the last
// release tears the environment down), and a runner started right after
// that kill must get an intact or a fresh environment. The survivors keep
// their environment throughout, every process ends cleanly, and berth gc
// leaves nothing behind.
func TestChaosRunnersKilledAtRandom(t *testing.T) {
	w := newWorld(t)
	rng := chaosRand(t)
	file := testdata("chaos.yaml")
	const n, victims = 8, 3

	rs := make([]*chaosRunner, n)
	for i := range rs {
		rs[i] = w.startChaosRunner(t, "-f", file)
	}
	killed := map[int]bool{}
	for _, i := range rng.Perm(n)[:victims] {
		killed[i] = true
		after := time.Duration(rng.Int64N(int64(4 * time.Second)))
		time.AfterFunc(after, func() {
			phase := "before its check ran (mid-acquire or mid-up)"
			if rs[i].isReady() {
				phase = "while holding its lease"
			}
			rs[i].kill()
			t.Logf("runner %d SIGKILLed %s after start, %s", i, after.Round(time.Millisecond), phase)
		})
	}
	var survivors []int
	for i, r := range rs {
		if killed[i] {
			<-r.done
			continue
		}
		r.awaitReady(t, "survivor")
		survivors = append(survivors, i)
	}
	for _, i := range survivors {
		assert.NoError(t, endpointsAnswer(rs[i].vars), "survivor %d lost its environment", i)
	}

	// Mid-teardown: every survivor releases at once; one of them is killed
	// a random moment later, and a new runner starts right after the kill.
	last := survivors[rng.IntN(len(survivors))]
	for _, i := range survivors {
		_ = rs[i].stdin.Close()
	}
	after := time.Duration(rng.Int64N(int64(1500 * time.Millisecond)))
	time.Sleep(after) // the chaos: a random moment of the releases and the teardown
	rs[last].kill()
	t.Logf("runner %d SIGKILLed %s into the releases", last, after.Round(time.Millisecond))
	next := w.startChaosRunner(t, "-f", file)
	vars := next.awaitReady(t, "the runner after the killed teardown")
	assert.NoError(t, endpointsAnswer(vars), "the runner after the killed teardown got a dying environment")
	next.finish()
	assert.Equal(t, 0, next.code, next.stderr.String())

	for i, r := range rs {
		<-r.done
		if killed[i] || i == last {
			continue
		}
		assert.Equal(t, 0, r.code, "survivor %d: %s", i, r.stderr.String())
		assert.NoError(t, cleanExit(r.code, r.stderr.String()), "survivor %d", i)
	}

	gc := w.run("gc")
	assert.Equal(t, 0, gc.code, gc.stderr)
	t.Logf("berth gc: %s", gc.stdout)
	assert.Empty(t, w.leftovers(context.Background()), "berth gc left berth-labelled resources")
}

// TestChaosDedicatedCopiesKilledMidUp: four runners each take a dedicated
// copy; two picked at random are SIGKILLed at random moments of their up.
// The other two pass, and berth gc takes down the killed runners' copies,
// whatever state their up was in.
func TestChaosDedicatedCopiesKilledMidUp(t *testing.T) {
	w := newWorld(t)
	rng := chaosRand(t)
	file := testdata("chaos.yaml")
	rs := make([]*chaosRunner, 4)
	for i := range rs {
		rs[i] = w.startChaosRunner(t, "--dedicated", "-f", file)
	}
	killed := map[int]bool{}
	for _, i := range rng.Perm(len(rs))[:2] {
		killed[i] = true
		after := time.Duration(rng.Int64N(int64(3 * time.Second)))
		time.AfterFunc(after, func() {
			rs[i].kill()
			t.Logf("dedicated runner %d SIGKILLed %s after start (ready: %v)", i, after.Round(time.Millisecond), rs[i].isReady())
		})
	}
	for i, r := range rs {
		if killed[i] {
			<-r.done
			continue
		}
		r.awaitReady(t, "dedicated survivor")
		assert.NoError(t, endpointsAnswer(r.vars), "dedicated survivor %d", i)
		r.finish()
		assert.Equal(t, 0, r.code, "dedicated survivor %d: %s", i, r.stderr.String())
	}

	gc := w.run("gc")
	assert.Equal(t, 0, gc.code, gc.stderr)
	t.Logf("berth gc: %s", gc.stdout)
	assert.Empty(t, w.leftovers(context.Background()), "berth gc left berth-labelled resources")
}

// TestChaosStoreDeletedMidRun: the store file is deleted while three
// runners hold leases; three more runners then acquire the same stack
// (rebuilt from labels). The runners release in both orders: those whose
// leases were in the deleted store first, or last. No runner loses its
// environment, every process ends cleanly, and berth gc leaves nothing
// behind.
func TestChaosStoreDeletedMidRun(t *testing.T) {
	for _, order := range []string{"holders-of-the-deleted-store-first", "holders-of-the-deleted-store-last"} {
		t.Run(order, func(t *testing.T) { storeDeletedMidRun(t, order == "holders-of-the-deleted-store-first") })
	}
}

func storeDeletedMidRun(t *testing.T, firstReleaseFirst bool) {
	w := newWorld(t)
	file := testdata("chaos.yaml")
	first := make([]*chaosRunner, 3)
	for i := range first {
		first[i] = w.startChaosRunner(t, "-f", file)
	}
	for _, r := range first {
		r.awaitReady(t, "first runner")
	}

	dbs, err := filepath.Glob(filepath.Join(w.state, "berth.db*"))
	require.NoError(t, err)
	require.NotEmpty(t, dbs)
	for _, f := range dbs {
		require.NoError(t, os.Remove(f))
	}
	t.Logf("deleted %d store files while 3 runners held leases", len(dbs))

	second := make([]*chaosRunner, 3)
	for i := range second {
		second[i] = w.startChaosRunner(t, "-f", file)
	}
	for _, r := range second {
		r.awaitReady(t, "runner after the store was deleted")
	}
	for i, r := range append(append([]*chaosRunner{}, first...), second...) {
		assert.NoError(t, endpointsAnswer(r.vars), "runner %d", i)
	}

	early, late := first, second
	if !firstReleaseFirst {
		early, late = second, first
	}
	for i, r := range early {
		r.finish()
		assert.Equal(t, 0, r.code, "runner %d released early: %s", i, r.stderr.String())
		assert.NoError(t, cleanExit(r.code, r.stderr.String()))
	}
	for i, r := range late {
		assert.NoError(t, endpointsAnswer(r.vars), "runner %d lost its environment when the others released", i)
	}
	for i, r := range late {
		r.finish()
		assert.Equal(t, 0, r.code, "runner %d released late: %s", i, r.stderr.String())
		assert.NoError(t, cleanExit(r.code, r.stderr.String()))
	}

	gc := w.run("gc")
	assert.Equal(t, 0, gc.code, gc.stderr)
	t.Logf("berth gc: %s", gc.stdout)
	assert.Empty(t, w.leftovers(context.Background()), "berth gc left berth-labelled resources")
}
