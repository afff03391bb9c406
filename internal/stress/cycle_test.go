package stress

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth"
)

func TestConnectDialsEveryPublishedTCPPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	vars := map[string]string{"BERTH_WEB_HOST": "127.0.0.1", "BERTH_WEB_PORT": port, "BERTH_WEB_PORT_8080": port,
		"BERTH_DNS_HOST": "127.0.0.1", "BERTH_DNS_PORT_53_UDP": "1"}
	require.NoError(t, Connect(context.Background(), vars))

	closed, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	dead := strconv.Itoa(closed.Addr().(*net.TCPAddr).Port)
	require.NoError(t, closed.Close())
	vars["BERTH_DB_HOST"], vars["BERTH_DB_PORT_5432"] = "127.0.0.1", dead
	err = Connect(context.Background(), vars)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "BERTH_DB_PORT_5432")

	assert.ErrorContains(t, Connect(context.Background(), map[string]string{}), "no TCP port")
}

type refusingLeaser struct{ calls int }

func (l *refusingLeaser) Acquire(context.Context, berth.Options) (*berth.Env, error) {
	l.calls++
	return nil, errors.New("service web did not become healthy")
}

func (l *refusingLeaser) Release(context.Context, string, berth.ReleaseOptions) error { return nil }

func TestCyclesReportEveryCycleEvenAfterAFailure(t *testing.T) {
	l := &refusingLeaser{}
	var out bytes.Buffer
	failed := Cycles(context.Background(), l, berth.Options{}, 7, 3, func(error) int { return 3 }, &out)
	assert.Equal(t, 3, failed)
	assert.Equal(t, 3, l.calls)
	dec := json.NewDecoder(&out)
	for c := 1; c <= 3; c++ {
		var o Outcome
		require.NoError(t, dec.Decode(&o))
		assert.Equal(t, Outcome{Runner: 7, Cycle: c, ExitCode: 3, Error: "acquire: service web did not become healthy", MS: o.MS}, o)
	}
}
