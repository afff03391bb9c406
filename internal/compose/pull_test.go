package compose

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPullPolicies(t *testing.T) {
	for _, tc := range []struct {
		policy string
		want   PullPolicy
		err    string
	}{
		{"", PullPolicy{Mode: PullMissing}, ""},
		{"missing", PullPolicy{Mode: PullMissing}, ""},
		{"if_not_present", PullPolicy{Mode: PullMissing}, ""},
		{"always", PullPolicy{Mode: PullAlways}, ""},
		{"never", PullPolicy{Mode: PullNever}, ""},
		{"daily", PullPolicy{Mode: PullRefresh, Every: 24 * time.Hour}, ""},
		{"weekly", PullPolicy{Mode: PullRefresh, Every: 7 * 24 * time.Hour}, ""},
		{"every_12h", PullPolicy{Mode: PullRefresh, Every: 12 * time.Hour}, ""},
		{"build", PullPolicy{}, "services.app.pull_policy: build needs a build section"},
		{"sometimes", PullPolicy{}, "services.app.pull_policy"},
		{"every_soon", PullPolicy{}, "services.app.pull_policy"},
	} {
		t.Run(tc.policy, func(t *testing.T) {
			dir := t.TempDir()
			doc := "services:\n  app:\n    image: registry.test/app:1\n"
			if tc.policy != "" {
				doc += "    pull_policy: " + tc.policy + "\n"
			}
			require.NoError(t, os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(doc), 0o600))
			p, err := Load(context.Background(), Options{WorkingDir: dir, Getenv: envOf(nil)})
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, p.Services[0].Pull)
		})
	}
}
