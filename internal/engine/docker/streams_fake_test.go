package docker

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

// frame builds one multiplexed stream frame (1 = stdout, 2 = stderr).
func frame(stream byte, payload string) []byte {
	h := make([]byte, 8)
	h[0] = stream
	binary.BigEndian.PutUint32(h[4:], uint32(len(payload)))
	return append(h, payload...)
}

func TestContainerLogsDemultiplexes(t *testing.T) {
	for _, tty := range []bool{false, true} {
		e := newFakeDaemon(t, "1.41", func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/v1.41/containers/c1/json":
				writeJSON(w, http.StatusOK, map[string]any{"Id": "c1", "Config": map[string]any{"Tty": tty}})
			case "/v1.41/containers/c1/logs":
				assert.Contains(t, r.URL.RawQuery, "tail=5")
				if tty {
					_, _ = w.Write([]byte("raw out\n"))
					return
				}
				_, _ = w.Write(append(frame(1, "out 1\n"), frame(2, "err 1\n")...))
			}
		})
		out, err := engine.Logs(context.Background(), e, "c1", engine.LogOptions{Tail: 5})
		require.NoError(t, err)
		if tty {
			assert.Equal(t, "raw out\n", string(out))
		} else {
			assert.Equal(t, "out 1\nerr 1\n", string(out))
		}
	}
}

func TestEventsTranslateAndEnd(t *testing.T) {
	e := newFakeDaemon(t, "1.41", func(w http.ResponseWriter, r *http.Request) {
		var f map[string]map[string]bool
		assert.NoError(t, json.Unmarshal([]byte(r.URL.Query().Get("filters")), &f))
		assert.Equal(t, map[string]map[string]bool{"type": {"container": true}, "label": {"dev.berth.env=e1": true}}, f)
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		_ = enc.Encode(map[string]any{"Type": "container", "Action": "health_status: healthy",
			"Actor": map[string]any{"ID": "c1", "Attributes": map[string]string{"name": "web"}}, "time": 1700000000, "timeNano": int64(1700000000123456789)})
		_ = enc.Encode(map[string]any{"Type": "container", "Action": "die",
			"Actor": map[string]any{"ID": "c1", "Attributes": map[string]string{"exitCode": "137"}}, "time": 1700000001})
	})
	evs, errs := e.Events(context.Background(), engine.EventFilter{Types: []string{"container"}, Labels: map[string]string{"dev.berth.env": "e1"}})
	var got []engine.Event
	for ev := range evs {
		got = append(got, ev)
	}
	require.Len(t, got, 2)
	assert.Equal(t, engine.Event{Type: "container", Action: "health_status: healthy", ActorID: "c1",
		Attributes: map[string]string{"name": "web"}, Time: time.Unix(0, 1700000000123456789)}, got[0])
	assert.Equal(t, "137", got[1].Attributes["exitCode"])
	assert.Equal(t, time.Unix(1700000001, 0), got[1].Time)
	err, ok := <-errs
	require.True(t, ok)
	assert.ErrorIs(t, err, engine.ErrUnavailable, "the daemon closed the stream")
	_, ok = <-errs
	assert.False(t, ok, "at most one error, then closed")
}

func TestEventsEndWithContext(t *testing.T) {
	started := make(chan struct{})
	e := newFakeDaemon(t, "1.41", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		close(started)
		<-r.Context().Done()
	})
	ctx, cancel := context.WithCancel(context.Background())
	evs, errs := e.Events(ctx, engine.EventFilter{})
	<-started
	cancel()
	_, ok := <-evs
	assert.False(t, ok)
	err, ok := <-errs
	require.True(t, ok)
	assert.ErrorIs(t, err, context.Canceled)
	_, ok = <-errs
	assert.False(t, ok)
}
