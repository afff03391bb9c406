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

func TestFakeRunsHooksWhenTheTimeComes(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f := NewFake(t0)
	var ran []string
	f.At(t0.Add(2*time.Second), func() { ran = append(ran, "at 2s") })
	cancel := f.At(t0.Add(3*time.Second), func() { ran = append(ran, "cancelled") })
	f.At(t0.Add(-time.Second), func() { ran = append(ran, "past") })
	if len(ran) != 1 || ran[0] != "past" {
		t.Fatalf("a hook in the past should run at once: %v", ran)
	}
	<-f.After(time.Second)
	if len(ran) != 1 {
		t.Fatalf("ran too early: %v", ran)
	}
	cancel()
	<-f.After(5 * time.Second)
	if len(ran) != 2 || ran[1] != "at 2s" {
		t.Fatalf("ran %v, want [past, at 2s]", ran)
	}
}
