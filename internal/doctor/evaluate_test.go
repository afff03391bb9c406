package doctor

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

func healthy() Facts {
	return Facts{Endpoint: "unix:///var/run/docker.sock", Reachable: true, PingLatency: time.Millisecond,
		Info:  engine.Info{NCPU: 2, MemTotal: 24 << 30},
		State: StateDir{Path: "/s", Mode: "0700", Writable: true}}
}

func TestUnreachableDaemonFailsWithARemedy(t *testing.T) {
	fs := Evaluate(Facts{Endpoint: "unix:///dead.sock", Unreachable: "connection refused"})
	require.Len(t, fs, 1)
	assert.Equal(t, Fail, fs[0].Level)
	assert.Contains(t, fs[0].Detail, "unix:///dead.sock")
	assert.Contains(t, fs[0].Remedy, "start")
	assert.Equal(t, Fail, Worst(fs))
}

func TestHealthyDaemonIsOK(t *testing.T) {
	assert.Equal(t, OK, Worst(Evaluate(healthy())))
}

func TestWarnings(t *testing.T) {
	cases := map[string]func(*Facts){
		"berth leftovers": func(f *Facts) { f.BerthExitedContainers = 1 },
		"exited":          func(f *Facts) { f.ExitedContainers = 21 },
		"disk":            func(f *Facts) { f.Disk.BuildCache.Reclaimable = 11 << 30 },
		"memory":          func(f *Facts) { f.Info.MemTotal = 2 << 30 },
		"state problem":   func(f *Facts) { f.State = StateDir{Problem: "permission denied"} },
		"daemon errors":   func(f *Facts) { f.Errors = []string{"disk usage: busy"} },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			f := healthy()
			mutate(&f)
			fs := Evaluate(f)
			assert.Equal(t, Warn, Worst(fs))
			for _, x := range fs {
				if x.Level == Warn {
					assert.NotEmpty(t, x.Remedy, "every warning says what to do")
				}
			}
		})
	}
}

func TestReportRendersTableAndJSON(t *testing.T) {
	f := healthy()
	f.Disk.BuildCache = engine.UsageCategory{Count: 3, Size: 3 << 20, Reclaimable: 1 << 20}
	r := NewReport(f)
	var text bytes.Buffer
	require.NoError(t, r.WriteText(&text))
	assert.Contains(t, text.String(), "Build Cache")
	assert.Contains(t, text.String(), "RECLAIMABLE")
	assert.Contains(t, text.String(), "1.0 MiB")
	var js bytes.Buffer
	require.NoError(t, r.WriteJSON(&js))
	var back Report
	require.NoError(t, json.Unmarshal(js.Bytes(), &back))
	assert.Equal(t, OK, back.Status)
}

func TestBytes(t *testing.T) {
	assert.Equal(t, "512 B", Bytes(512))
	assert.Equal(t, "1.5 KiB", Bytes(1536))
	assert.Equal(t, "2.0 GiB", Bytes(2<<30))
}
