package fake

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/berth-dev/berth/internal/engine"
)

// faults holds the injected failures, delays and blocks, and call counts.
// It has its own lock so a blocked call never holds the state lock.
type faults struct {
	mu     sync.Mutex
	calls  map[engine.Op]int
	next   map[engine.Op][]error
	all    error
	delays map[engine.Op]time.Duration
	blocks map[engine.Op]*Block
}

func (f *faults) init() {
	f.calls = map[engine.Op]int{}
	f.next = map[engine.Op][]error{}
	f.delays = map[engine.Op]time.Duration{}
	f.blocks = map[engine.Op]*Block{}
}

// FailNext makes the next call of op fail with err, before it has any
// effect. Several FailNext calls queue up, one failure per call of op.
// err is returned as an *engine.Error for op; pass a kind sentinel such as
// engine.ErrUnavailable, or an error wrapping one, to be classified by it.
func (e *Engine) FailNext(op engine.Op, err error) {
	e.faults.mu.Lock()
	defer e.faults.mu.Unlock()
	e.faults.next[op] = append(e.faults.next[op], err)
}

// FailAll makes every call of every operation fail with err, before it has
// any effect, until FailAll(nil). Queued [Engine.FailNext] errors go first.
func (e *Engine) FailAll(err error) {
	e.faults.mu.Lock()
	defer e.faults.mu.Unlock()
	e.faults.all = err
}

// Delay makes every later call of op wait d (with the [WithSleep] wait,
// honouring ctx) before it runs. Delay(op, 0) removes the delay.
func (e *Engine) Delay(op engine.Op, d time.Duration) {
	e.faults.mu.Lock()
	defer e.faults.mu.Unlock()
	if d <= 0 {
		delete(e.faults.delays, op)
		return
	}
	e.faults.delays[op] = d
}

// Calls reports how many times op has been called, including calls that
// failed or are still in flight.
func (e *Engine) Calls(op engine.Op) int {
	e.faults.mu.Lock()
	defer e.faults.mu.Unlock()
	return e.faults.calls[op]
}

// begin runs at the start of every operation: it counts the call, waits for
// a [Block] and a [Engine.Delay], then returns an injected failure, if any.
func (e *Engine) begin(ctx context.Context, op engine.Op) error {
	if err := ctx.Err(); err != nil {
		return engine.Wrap(op, nil, err)
	}
	f := &e.faults
	f.mu.Lock()
	f.calls[op]++
	b, d := f.blocks[op], f.delays[op]
	f.mu.Unlock()
	if b != nil {
		if err := b.hold(ctx); err != nil {
			return engine.Wrap(op, nil, err)
		}
	}
	if d > 0 {
		if err := e.cfg.sleep(ctx, d); err != nil {
			return engine.Wrap(op, nil, err)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if q := f.next[op]; len(q) > 0 {
		f.next[op] = q[1:]
		return injected(op, q[0])
	}
	if f.all != nil {
		return injected(op, f.all)
	}
	return nil
}

// injected returns err as an *engine.Error for op, keeping one that already is.
func injected(op engine.Op, err error) error {
	if _, ok := errors.AsType[*engine.Error](err); ok {
		return err
	}
	return &engine.Error{Op: op, Err: err}
}
