package ignore

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPatterns(t *testing.T) {
	root := Parse("", []byte(`# build output
/bin/
build/
*.log
!keep.log
\#hash
docs/**/*.gen.md
**/tmp
a/**
?x.txt
[ab]c.py
[!q]z.py
trailing\ 
spaces   
`))
	s := Stack{root}
	cases := []struct {
		path  string
		dir   bool
		match bool
	}{
		{"bin", true, true},
		{"sub/bin", true, false},  // anchored to the root
		{"bin", false, false},     // directory-only
		{"sub/build", true, true}, // unanchored: any level
		{"x/y.log", false, true},
		{"x/keep.log", false, false}, // negated after
		{"#hash", false, true},
		{"docs/a/b/x.gen.md", false, true},
		{"docs/x.gen.md", false, true},
		{"deep/er/tmp", true, true},
		{"a/anything/here", false, true},
		{"a", true, false},
		{"ax.txt", false, true},
		{"abx.txt", false, false},
		{"ac.py", false, true},
		{"cc.py", false, false},
		{"az.py", false, true},
		{"qz.py", false, false},
		{"trailing ", false, true},
		{"spaces", false, true},
		{"src/main.go", false, false},
	}
	for _, c := range cases {
		assert.Equal(t, c.match, s.Ignored(c.path, c.dir), c.path)
	}
}

func TestDeeperFileWins(t *testing.T) {
	s := Stack{
		Parse("", []byte("*.yml\n")),
		Parse("ci", []byte("!pipeline.yml\n/local.yml\n")),
	}
	assert.True(t, s.Ignored("x.yml", false))
	assert.False(t, s.Ignored("ci/pipeline.yml", false), "re-included below")
	assert.True(t, s.Ignored("ci/other.yml", false), "the root's rule still applies")
	assert.True(t, s.Ignored("ci/local.yml", false))
	assert.True(t, s.Ignored("ci/sub/local.yml", false), "root's *.yml; ci's /local.yml is anchored to ci")
	assert.False(t, Stack{Parse("ci", []byte("/local.yml\n"))}.Ignored("ci/sub/local.yml", false))
}
