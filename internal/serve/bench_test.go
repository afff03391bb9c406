package serve

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/berth-dev/berth/internal/store"
	"github.com/berth-dev/berth/internal/store/sqlite"
)

// BenchmarkScrape is one /metrics scrape over a SQLite store holding a
// busy week's records: ops op records (20 kinds), a tenth as many usage
// records, 1000 restarts and events, 10 environments with 100 leases.
//
//	go test -run '^$' -bench Scrape -benchtime 20x ./internal/serve/
func BenchmarkScrape(b *testing.B) {
	for _, ops := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("ops=%d", ops), func(b *testing.B) {
			ctx := context.Background()
			path := filepath.Join(b.TempDir(), "berth.db")
			db, err := sqlite.Open(ctx, path)
			if err != nil {
				b.Fatal(err)
			}
			fill(b, ctx, db, ops)
			// Closed and opened again: the write-ahead log is checkpointed
			// into the database, as it is in a store in use over time.
			if err := db.Close(); err != nil {
				b.Fatal(err)
			}
			if db, err = sqlite.Open(ctx, path); err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			s := &Server{Daemon: &fakeDaemon{up: true, now: time.Now}, Store: db, Live: func(store.Lease) bool { return true }}
			s.init()
			h := s.Handler()
			b.ResetTimer()
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
				if rec.Code != http.StatusOK {
					b.Fatal(rec.Code)
				}
				_, _ = io.Copy(io.Discard, rec.Body)
			}
		})
	}
}

func fill(b *testing.B, ctx context.Context, db *sqlite.Store, ops int) {
	b.Helper()
	now := time.Now()
	var recs []store.OpRecord
	for i := range ops {
		recs = append(recs, store.OpRecord{Time: now.Add(-time.Duration(i) * time.Second), Op: fmt.Sprintf("op_%d", i%20),
			Duration: time.Duration(i%1000) * time.Millisecond, PID: i % 50})
	}
	if err := db.RecordOps(ctx, recs); err != nil {
		b.Fatal(err)
	}
	for i := range 10 {
		id := fmt.Sprintf("env-%d", i)
		if err := db.PutEnv(ctx, store.Env{ID: id, Mode: "shared", State: store.StateReady, CreatedAt: now}); err != nil {
			b.Fatal(err)
		}
		for j := range 10 {
			if _, err := db.AddLease(ctx, id, store.Holder{Host: "h", PID: j}, 0, now); err != nil {
				b.Fatal(err)
			}
		}
	}
	for i := range ops / 10 {
		if err := db.RecordUsage(ctx, store.UsageRecord{Time: now.Add(-time.Duration(i) * time.Second), EnvID: "env-1",
			Kind: store.UsageReuse, ValueMS: int64(i % 5000)}); err != nil {
			b.Fatal(err)
		}
	}
	for i := range 1000 {
		t := now.Add(-time.Duration(i) * time.Second)
		if err := db.RecordRestart(ctx, store.RestartRecord{Time: t, EnvID: "env-1", Service: "db", Kind: store.RestartDone}); err != nil {
			b.Fatal(err)
		}
		if err := db.RecordEvent(ctx, store.EventRecord{Time: t, EnvID: "env-1", Service: "db", Container: fmt.Sprint(i), Action: "die"}); err != nil {
			b.Fatal(err)
		}
	}
}
