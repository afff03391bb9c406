package store

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestLeaseLive(t *testing.T) {
	t0 := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	now := t0.Add(time.Hour)
	const here = "here"
	alive := func(pid int, start uint64) bool { return pid == 7 && start == 70 }
	cases := []struct {
		name   string
		holder Holder
		ttl    time.Duration
		beat   time.Time
		want   bool
	}{
		{"local process alive", Holder{Host: here, PID: 7, StartTime: 70}, 0, t0, true},
		{"local process gone", Holder{Host: here, PID: 8, StartTime: 80}, 0, t0, false},
		{"local PID reused (other start)", Holder{Host: here, PID: 7, StartTime: 71}, 0, t0, false},
		{"local, unknown start, no TTL", Holder{Host: here, PID: 7, StartTime: 0}, 0, t0, false},
		{"local, unknown start, fresh heartbeat", Holder{Host: here, PID: 7, StartTime: 0}, time.Minute, now.Add(-time.Minute), true},
		{"local, unknown start, stale heartbeat", Holder{Host: here, PID: 7, StartTime: 0}, time.Minute, now.Add(-time.Minute - 1), false},
		{"local process gone, fresh heartbeat", Holder{Host: here, PID: 8, StartTime: 80}, time.Minute, now, true},
		{"local process alive, stale heartbeat", Holder{Host: here, PID: 7, StartTime: 70}, time.Minute, t0, true},
		{"other host, no TTL: cannot check, live", Holder{Host: "there", PID: 7, StartTime: 70}, 0, t0, true},
		{"other host, fresh heartbeat", Holder{Host: "there", PID: 8, StartTime: 80}, time.Minute, now, true},
		{"other host, stale heartbeat", Holder{Host: "there", PID: 7, StartTime: 70}, time.Minute, t0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := Lease{ID: "l-1", EnvID: "e", Holder: tc.holder, CreatedAt: t0, HeartbeatAt: tc.beat, TTL: tc.ttl}
			assert.Equal(t, tc.want, LeaseLive(l, now, here, alive))
		})
	}
}
