package clock

import (
	"testing"
	"time"
)

func TestFakeStandsStillUntilAdvancedOrWaitedOn(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f := NewFake(t0)
	if got := f.Now(); !got.Equal(t0) {
		t.Fatalf("Now = %v, want %v", got, t0)
	}
	f.Advance(time.Minute)
	if got := f.Now(); !got.Equal(t0.Add(time.Minute)) {
		t.Fatalf("after Advance: %v", got)
	}
	got := <-f.After(30 * time.Second)
	want := t0.Add(90 * time.Second)
	if !got.Equal(want) || !f.Now().Equal(want) {
		t.Fatalf("After delivered %v, Now %v; want both %v", got, f.Now(), want)
	}
	if got := <-f.After(-time.Second); !got.Equal(want) {
		t.Fatalf("a negative wait moved the time: %v", got)
	}
}
