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
		{"local process alive", Holder{here, 7, 70}, 0, t0, true},
		{"local process gone", Holder{here, 8, 80}, 0, t0, false},
		{"local PID reused (other start)", Holder{here, 7, 71}, 0, t0, false},
		{"local, unknown start, no TTL", Holder{here, 7, 0}, 0, t0, false},
		{"local, unknown start, fresh heartbeat", Holder{here, 7, 0}, time.Minute, now.Add(-time.Minute), true},
		{"local, unknown start, stale heartbeat", Holder{here, 7, 0}, time.Minute, now.Add(-time.Minute - 1), false},
		{"local process gone, fresh heartbeat", Holder{here, 8, 80}, time.Minute, now, true},
		{"local process alive, stale heartbeat", Holder{here, 7, 70}, time.Minute, t0, true},
		{"other host, no TTL: cannot check, live", Holder{"there", 7, 70}, 0, t0, true},
		{"other host, fresh heartbeat", Holder{"there", 8, 80}, time.Minute, now, true},
		{"other host, stale heartbeat", Holder{"there", 7, 70}, time.Minute, t0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := Lease{ID: "l-1", EnvID: "e", Holder: tc.holder, CreatedAt: t0, HeartbeatAt: tc.beat, TTL: tc.ttl}
			assert.Equal(t, tc.want, LeaseLive(l, now, here, alive))
		})
	}
}
