package leases

import "time"

// Beat calls beat every third of ttl (at least every second) until stop
// is closed, so a lease with a TTL stays fresh while its holder lives;
// each failure goes to failed. It returns once stop is closed.
func Beat(ttl time.Duration, stop <-chan struct{}, beat func() error, failed func(error)) {
	t := time.NewTicker(max(ttl/3, time.Second))
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			if err := beat(); err != nil {
				failed(err)
			}
		}
	}
}
