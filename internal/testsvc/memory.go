package testsvc

import (
	"fmt"
	"sync"
)

const (
	mib      = 1 << 20
	pageSize = 4096
)

// Holder keeps memory allocated and resident so it counts in the
// process's RSS (and the container's memory usage). Safe for concurrent use.
type Holder struct {
	mu     sync.Mutex
	chunks [][]byte // referenced for the life of the Holder
}

// Hold allocates mb more MiB, writes every page so the kernel backs it with
// real memory, and returns the total MiB held.
func (h *Holder) Hold(mb int) (int, error) {
	if mb < 0 {
		return 0, fmt.Errorf("hold memory: negative size %d MB", mb)
	}
	chunk := make([]byte, mb*mib)
	for i := 0; i < len(chunk); i += pageSize {
		chunk[i] = byte(i/pageSize) | 1 // non-zero: no shared zero page
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if mb > 0 {
		h.chunks = append(h.chunks, chunk)
	}
	return h.heldLocked(), nil
}

// HeldMB returns the MiB held so far.
func (h *Holder) HeldMB() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.heldLocked()
}

func (h *Holder) heldLocked() int {
	n := 0
	for _, c := range h.chunks {
		n += len(c)
	}
	return n / mib
}
