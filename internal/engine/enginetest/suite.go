// Package enginetest is the contract suite every [engine.Engine] passes:
// the Docker adapter against the real daemon, and the in-memory fake. A
// behaviour berth relies on belongs here, so the fake cannot drift from the
// daemon unnoticed.
//
// The suite creates only uniquely named resources labelled
// [LabelKey]=<random run ID>, removes each one gracefully (stop, then remove
// without force) in a cleanup registered before its creation is checked,
// and finally sweeps anything left with its run label, reporting it as a
// leak. It never touches resources it did not create, so it may run while
// other tests use the same daemon.
package enginetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

// LabelKey marks every resource the suite creates; its value is the run ID.
const LabelKey = "dev.berth.test"

// caseKey carries a per-resource unique value, for filters that must see
// exactly one subtest's resources.
const caseKey = "dev.berth.test.case"

// subtestTimeout bounds each subtest's daemon calls.
const subtestTimeout = 2 * time.Minute

// Harness is what [Run] needs from an implementation.
type Harness struct {
	Engine engine.Engine
	// Image is a reference to an existing image that runs the test service
	// (internal/testsvc at /testsvc, listening on 8080, printing TESTSVC_LOG
	// at start, "/testsvc probe" as its readiness check). The fake only
	// needs it imported.
	Image string
	// PullRef is an image a registry has and the daemon does not (the
	// suite pulls and removes it); MissingRef one the registry lacks. The
	// pull test is skipped without them.
	PullRef, MissingRef string
}

// suite is one run of the contract: the harness, the run ID, a counter
// for unique names and the image references the run hands out.
type suite struct {
	h   Harness
	e   engine.Engine
	run string
	seq atomic.Int64

	mu     sync.Mutex
	images []string // every ref from imageRef, for the sweep
}

// Run runs the contract suite against h.Engine as parallel subtests.
func Run(t *testing.T, h Harness) {
	require.NotNil(t, h.Engine, "harness engine")
	require.NotEmpty(t, h.Image, "harness image")
	s := &suite{h: h, e: h.Engine, run: randomID()}
	t.Logf("enginetest run %s=%s on %s", LabelKey, s.run, h.Engine.Endpoint())
	t.Cleanup(func() { s.sweep(t) })
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, context.Context)
	}{
		{"Daemon", s.testDaemon},
		{"ContainerRoundTrip", s.testContainerRoundTrip},
		{"RemoveRunningConflicts", s.testRemoveRunning},
		{"NotFound", s.testNotFound},
		{"CreateConflicts", s.testCreateConflicts},
		{"StopGracePeriod", s.testStopGrace},
		{"StopFast", s.testStopFast},
		{"StopSIGKILL", s.testStopSIGKILL},
		{"EphemeralPorts", s.testEphemeralPorts},
		{"Networks", s.testNetworks},
		{"NetworkDuplicate", s.testNetworkDuplicate},
		{"NetworkIPAM", s.testNetworkIPAM},
		{"NetworkModeContainer", s.testNetworkModeContainer},
		{"ContainerSettings", s.testContainerSettings},
		{"Volumes", s.testVolumes},
		{"DiskUsageDetail", s.testDiskUsageDetail},
		{"AnonymousVolume", s.testAnonymousVolume},
		{"Images", s.testImages},
		{"Build", s.testBuild},
		{"BuildFailures", s.testBuildFailures},
		{"Logs", s.testLogs},
		{"LogsFollow", s.testLogsFollow},
		{"ExecStreams", s.testExecStreams},
		{"Exec", s.testExec},
		{"Stats", s.testStats},
		{"Events", s.testEvents},
		{"EventsUntil", s.testEventsUntil},
		{"Pull", s.testPull},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(t.Context(), subtestTimeout)
			defer cancel()
			tc.fn(t, ctx)
		})
	}
}

// name returns a unique resource name of this run.
func (s *suite) name(kind string) string {
	return fmt.Sprintf("berth-enginetest-%s-%s%d", s.run, kind, s.seq.Add(1))
}

// imageRef returns a unique image reference of this run ("<name>:v1") and
// remembers it: the engine lists no images, so the sweep looks for leaked
// images by the references handed out.
func (s *suite) imageRef(kind string) string {
	ref := s.name(kind) + ":v1"
	s.mu.Lock()
	defer s.mu.Unlock()
	s.images = append(s.images, ref)
	return ref
}

// labels returns the run label plus a unique case label.
func (s *suite) labels() map[string]string {
	return map[string]string{LabelKey: s.run, caseKey: fmt.Sprintf("%s-%d", s.run, s.seq.Add(1))}
}

// runLabel filters for everything this run created.
func (s *suite) runLabel() map[string]string { return map[string]string{LabelKey: s.run} }

func randomID() string {
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}
