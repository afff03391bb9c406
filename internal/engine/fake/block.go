package fake

import (
	"context"
	"sync"

	"github.com/berth-dev/berth/internal/engine"
)

// Block holds calls of one operation in flight until released, so tests
// can observe what happens while an operation is running (slots, budgets,
// timeouts). Create one with [Engine.Block].
type Block struct {
	mu       sync.Mutex
	held     int
	changed  chan struct{} // closed and replaced whenever held grows
	released chan struct{}
	once     sync.Once
	remove   func()
}

// Block makes every later call of op wait, before it has any effect, until
// [Block.Release] or the call's ctx ends. A second Block of the same op
// replaces the first for later calls.
func (e *Engine) Block(op engine.Op) *Block {
	b := &Block{changed: make(chan struct{}), released: make(chan struct{})}
	b.remove = func() {
		e.faults.mu.Lock()
		defer e.faults.mu.Unlock()
		if e.faults.blocks[op] == b {
			delete(e.faults.blocks, op)
		}
	}
	e.faults.mu.Lock()
	defer e.faults.mu.Unlock()
	e.faults.blocks[op] = b
	return b
}

// Release lets every held call proceed and stops holding later calls.
// It is idempotent.
func (b *Block) Release() {
	b.once.Do(func() {
		b.remove()
		close(b.released)
	})
}

// Held reports how many calls are waiting on b now.
func (b *Block) Held() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.held
}

// WaitHeld waits until at least n calls are waiting on b, or ctx ends.
func (b *Block) WaitHeld(ctx context.Context, n int) error {
	for {
		b.mu.Lock()
		held, changed := b.held, b.changed
		b.mu.Unlock()
		if held >= n {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// hold waits until b is released or ctx ends.
func (b *Block) hold(ctx context.Context) error {
	b.mu.Lock()
	b.held++
	close(b.changed)
	b.changed = make(chan struct{})
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		b.held--
		b.mu.Unlock()
	}()
	select {
	case <-b.released:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
