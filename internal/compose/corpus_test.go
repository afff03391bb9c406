package compose_test

import (
	"context"
	"io/fs"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/compose"
	"github.com/berth-dev/berth/internal/plan"
)

// corpusDir holds every compose file of docker/awesome-compose (see its
// README.md for the commit).
const corpusDir = "testdata/corpus/awesome-compose"

// corpusFiles is how many compose files the corpus has: a file lost in a
// copy fails the test instead of raising the share that loads.
const corpusFiles = 39

// corpusRefusals are the corpus files berth refuses to load, each with a
// piece of the reason berth gives. Every other file must load.
var corpusRefusals = map[string]string{}

// corpusDedicatedRefusals are files that load and plan as a shared
// environment, but whose dedicated copy berth refuses to plan, with why.
var corpusDedicatedRefusals = map[string]string{
	"plex/compose.yaml":                   "network_mode host: a dedicated copy cannot use the host's network",
	"pihole-cloudflared-DoH/compose.yaml": "ipv4_address 172.20.0.2: a dedicated copy gets its subnet from the daemon",
}

// TestAwesomeComposeCorpus loads every compose file of the corpus with
// berth's loader, as berth would in its directory (its .env, no process
// environment), and plans it shared and dedicated. Nothing is pulled or
// built: this is loading only. A file refused for a reason not in the
// tables, or a file in the tables that loads, fails the test; at least
// 95 % of the files must load.
func TestAwesomeComposeCorpus(t *testing.T) {
	var files []string
	require.NoError(t, filepath.WalkDir(corpusDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && isComposeFile(d.Name()) {
			rel, _ := filepath.Rel(corpusDir, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return err
	}))
	require.Len(t, files, corpusFiles)
	loaded := 0
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			p, err := compose.Load(context.Background(), compose.Options{
				Files: []string{filepath.Base(f)}, WorkingDir: filepath.Join(corpusDir, filepath.Dir(f)),
				Getenv: func(string) string { return "" },
			})
			if why, refused := corpusRefusals[f]; refused {
				require.Error(t, err, "expected berth to refuse %s (%s), but it loads", f, why)
				assert.Contains(t, err.Error(), why)
				return
			}
			require.NoError(t, err, "unexpected refusal")
			loaded++
			for _, n := range p.Notes {
				t.Logf("note: %s", n)
			}
			id := plan.Identity{EnvID: p.Name + "-0123456789ab", Project: p.Name, Mode: plan.ModeShared, ConfigHash: p.Hash}
			_, err = plan.Build(p, id, time.Now())
			require.NoError(t, err, "plan shared")
			id.Mode, id.EnvID = plan.ModeDedicated, p.Name+"-d0123456789"
			_, err = plan.Build(p, id, time.Now())
			if why, refused := corpusDedicatedRefusals[f]; refused {
				require.Error(t, err, "expected berth to refuse a dedicated copy of %s (%s)", f, why)
				assert.Contains(t, err.Error(), why)
				return
			}
			require.NoError(t, err, "plan dedicated")
		})
	}
	t.Logf("awesome-compose: %d files, %d load, %d refused", len(files), loaded, len(files)-loaded)
	assert.GreaterOrEqual(t, loaded*100, 95*len(files), "at least 95 %% of the corpus loads")
}

func isComposeFile(name string) bool {
	return slices.Contains([]string{"compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"}, name)
}
