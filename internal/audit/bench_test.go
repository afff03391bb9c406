package audit

import (
	"context"
	"testing"
)

// BenchmarkScanRepository scans this repository (the static part of
// berth audit, no daemon): walk, parse every file, judge.
func BenchmarkScanRepository(b *testing.B) {
	ctx := context.Background()
	var files int
	for b.Loop() {
		st, err := Scan(ctx, "../..")
		if err != nil {
			b.Fatal(err)
		}
		files = st.Files
	}
	b.ReportMetric(float64(files), "files")
}

// BenchmarkScanFixture scans the audits' fixture repository.
func BenchmarkScanFixture(b *testing.B) {
	root := extractBench(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := Scan(ctx, root); err != nil {
			b.Fatal(err)
		}
	}
}
