package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/berth-dev/berth/internal/store"
)

// Bench measures the store calls berth makes most, each as a
// sub-benchmark on a store open returns (a new, empty one): one
// AddLease + ReleaseLease cycle (every acquisition and release), one Env
// read, one Leases read of an environment with 10 leases, one Heartbeat,
// and RecordOps of 10 records (a process's op log at Close). A backend's
// benchmark calls it, so the backends' figures compare call for call.
func Bench(b *testing.B, open func(b *testing.B) store.Store) {
	ctx := context.Background()
	s := open(b)
	b.Cleanup(func() {
		if err := s.Close(); err != nil {
			b.Error(err)
		}
	})
	for _, id := range []string{"e1", "e10"} {
		if err := s.PutEnv(ctx, testEnv(id)); err != nil {
			b.Fatal(err)
		}
	}
	var l store.Lease
	for i := range 10 {
		var err error
		if l, err = s.AddLease(ctx, "e10", holder(i), time.Minute, time.Now()); err != nil {
			b.Fatal(err)
		}
	}
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Run("AddRelease", func(b *testing.B) {
		for b.Loop() {
			l, err := s.AddLease(ctx, "e1", holder(1), 0, time.Now())
			must(err)
			_, err = s.ReleaseLease(ctx, l.ID, time.Now())
			must(err)
		}
	})
	b.Run("Env", func(b *testing.B) {
		for b.Loop() {
			_, err := s.Env(ctx, "e1")
			must(err)
		}
	})
	b.Run("Leases10", func(b *testing.B) {
		for b.Loop() {
			ls, err := s.Leases(ctx, "e10")
			must(err)
			if len(ls) != 10 {
				b.Fatalf("%d leases", len(ls))
			}
		}
	})
	b.Run("Heartbeat", func(b *testing.B) {
		for b.Loop() {
			must(s.Heartbeat(ctx, l.ID, time.Now()))
		}
	})
	b.Run("RecordOps10", func(b *testing.B) {
		recs := make([]store.OpRecord, 10)
		for i := range recs {
			recs[i] = store.OpRecord{Time: time.Now(), Op: fmt.Sprintf("op%d", i), Duration: time.Millisecond}
		}
		for b.Loop() {
			must(s.RecordOps(ctx, recs))
		}
	})
}
