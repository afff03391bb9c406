package gc

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkBuild plans over 200 environments of 6 containers, a network
// and a volume each (half leased, half idle), 500 images, in mode deep.
func BenchmarkBuild(b *testing.B) {
	f := facts()
	for i := range 200 {
		rec := shared(fmt.Sprintf("env%03d", i), now.Add(-time.Hour))
		rec.IdleSince = now.Add(-10 * time.Minute)
		f.withEnv(rec, i%2, rec.CreatedAt)
		for s := range 5 {
			c := f.Containers[len(f.Containers)-1]
			c.ID = fmt.Sprintf("%s-%d", c.ID, s)
			f.Containers = append(f.Containers, c)
		}
	}
	for i := range 500 {
		f.Images = append(f.Images, Image{ID: fmt.Sprintf("sha256:%064d", i), Created: now.Add(-time.Hour), Size: 1 << 20})
	}
	s := safe()
	s.Mode = Deep
	b.ReportAllocs()
	for b.Loop() {
		p := Build(f, s)
		if len(p.Teardowns) != 100 {
			b.Fatalf("%d teardowns", len(p.Teardowns))
		}
	}
}
