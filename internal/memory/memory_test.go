package memory

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPressure(t *testing.T) {
	for _, tc := range []struct {
		name         string
		usage, limit int64
		percent      float64
		high         bool
	}{
		{"no limit", 100, 0, 0, false},
		{"idle", 10, 100, 10, false},
		{"just under 70", 699, 1000, 69.9, false},
		{"exactly 70", 70, 100, 70, true},
		{"over the limit", 150, 100, 150, true},
		{"negative usage", -5, 100, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, high := Pressure(tc.usage, tc.limit)
			assert.InDelta(t, tc.percent, p, 1e-9)
			assert.Equal(t, tc.high, high)
		})
	}
}

func TestAdmit(t *testing.T) {
	const gib = 1 << 30
	for _, tc := range []struct {
		name                  string
		need, total, reserved int64
		ok                    bool
		free                  int64
	}{
		{"fits", 2 * gib, 8 * gib, 4 * gib, true, 4 * gib},
		{"exactly fits", 4 * gib, 8 * gib, 4 * gib, true, 4 * gib},
		{"one byte too many", 4*gib + 1, 8 * gib, 4 * gib, false, 4 * gib},
		{"bigger than the daemon", 30 * gib, 23 * gib, 0, false, 23 * gib},
		{"no limits declared", 0, 8 * gib, 9 * gib, true, 0},
		{"over-reserved daemon", 1, 8 * gib, 9 * gib, false, 0},
		{"unknown total", 30 * gib, 0, 0, true, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ok, free := Admit(tc.need, tc.total, tc.reserved)
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.free, free)
		})
	}
}

func TestRefusalMessage(t *testing.T) {
	r := Refusal{EnvID: "big-0123", Need: 20 << 30, Total: 23 << 30, Reserved: 4 << 30, LiveEnvs: 2,
		Unlimited: []string{"cache"}}
	msg := r.Message()
	assert.Contains(t, msg, "environment big-0123 needs 20 GiB of memory")
	assert.Contains(t, msg, "23 GiB in total and 4 GiB is reserved by 2 live environments (19 GiB free)")
	assert.Contains(t, msg, "without a memory limit count as 0: cache")
	assert.Contains(t, msg, "--wait-for-memory")
}

// TestRefusalOfWhatCanNeverFit: more than the whole daemon is not worth
// waiting for, and the message does not suggest it.
func TestRefusalOfWhatCanNeverFit(t *testing.T) {
	r := Refusal{EnvID: "big-0123", Need: 30 << 30, Total: 23 << 30, Reserved: 1 << 30, LiveEnvs: 2,
		Unlimited: []string{"cache"}}
	msg := r.Message()
	assert.Contains(t, msg, "environment big-0123 needs 30 GiB of memory")
	assert.Contains(t, msg, "the daemon has 23 GiB in total, so it can never fit")
	assert.Contains(t, msg, "without a memory limit count as 0: cache")
	assert.NotContains(t, msg, "--wait-for-memory")
}

func TestBytes(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0 B", 1023: "1023 B", 1024: "1 KiB", 32 << 20: "32 MiB", 1536 << 20: "1.5 GiB",
		23_540_000_000: "21.9 GiB",
	} {
		assert.Equal(t, want, Bytes(n), "%d", n)
	}
}
