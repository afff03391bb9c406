package proc

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseStat(t *testing.T) {
	tail := " 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 424242 20 21\n"
	cases := []struct {
		name, comm string
	}{
		{"plain", "(sleep)"},
		{"spaces and parens", "(a) (b c) ))"},
		{"empty", "()"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			state, ticks, err := parseStat([]byte("1234 " + tc.comm + " S" + tail))
			require.NoError(t, err)
			assert.Equal(t, byte('S'), state)
			assert.Equal(t, uint64(424242), ticks)
		})
	}
}

func TestParseStatRejectsGarbage(t *testing.T) {
	for _, in := range []string{"", "1234 noparen S 1 2", "1 (x) S 1 2 3", "1 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 notanumber"} {
		_, _, err := parseStat([]byte(in))
		assert.Error(t, err, "%q", in)
	}
}
