package sqlite

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/store"
)

// TestUpdateRollsBackOnError: an Update whose function fails leaves no
// trace.
func TestUpdateRollsBackOnError(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	boom := errors.New("boom")
	err := s.Update(ctx, func(tx *Tx) error {
		require.NoError(t, tx.PutEnv(ctx, testEnv("e1")))
		return boom
	})
	require.ErrorIs(t, err, boom)
	_, err = s.Env(ctx, "e1")
	require.ErrorIs(t, err, store.ErrNotFound)
}

// TestEventsInsideTx: a transaction reads the events it recorded.
func TestEventsInsideTx(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	err := s.Update(ctx, func(tx *Tx) error {
		if err := tx.RecordEvent(ctx, store.EventRecord{Time: t0, EnvID: "e1", Service: "db", Container: "c1", Action: "die"}); err != nil {
			return err
		}
		evs, err := tx.EventsSince(ctx, time.Time{})
		require.NoError(t, err)
		require.Len(t, evs, 1, "a transaction reads its own writes")
		evs, err = tx.ServiceEvents(ctx, "e1", "db", time.Time{})
		require.NoError(t, err)
		require.Len(t, evs, 1)
		return nil
	})
	require.NoError(t, err)
}

// TestRestartsInsideTx reads the history and records a decision in one
// transaction, as the restart command does under the environment's lock.
func TestRestartsInsideTx(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	require.NoError(t, s.RecordRestart(ctx, store.RestartRecord{Time: t0, EnvID: "e1", Service: "db", Kind: store.RestartDone}))
	err := s.Update(ctx, func(tx *Tx) error {
		h, err := tx.Restarts(ctx, "e1", "db", time.Time{})
		if err != nil {
			return err
		}
		all, err := tx.AllRestarts(ctx, time.Time{})
		if err != nil {
			return err
		}
		require.Len(t, h, 1)
		require.Len(t, all, 1)
		return tx.RecordRestart(ctx, store.RestartRecord{Time: t0.Add(time.Second), EnvID: "e1", Service: "db", Kind: store.RestartRefused, Reason: "cooldown"})
	})
	require.NoError(t, err)
	got, err := s.Restarts(ctx, "e1", "db", time.Time{})
	require.NoError(t, err)
	assert.Len(t, got, 2)
}
