package audit

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/berth-dev/berth/internal/audit/fact"
	"github.com/berth-dev/berth/internal/audit/goscan"
	"github.com/berth-dev/berth/internal/audit/pyscan"
	"github.com/berth-dev/berth/internal/audit/rules"
	"github.com/berth-dev/berth/internal/audit/shscan"
	"github.com/berth-dev/berth/internal/audit/walk"
	"github.com/berth-dev/berth/internal/audit/yamlscan"
)

// Static is the result of scanning a repository.
type Static struct {
	Root     string
	Findings []rules.Finding
	// Files is how many files were read and scanned.
	Files int
	// Skipped are files a parser refused, and pieces of files (FILE:LINE:
	// a CI block, a Makefile recipe line), with the reason.
	Skipped []Skipped
	Walk    walk.Stats
	// Compose are the compose files judged as used by tests.
	Compose  []ComposeFile
	Duration time.Duration
}

// Skipped is a file left out of the scan.
type Skipped struct {
	File   string `json:"file"`
	Reason string `json:"reason"`
}

// ComposeFile is a compose file judged as used by tests, and why.
type ComposeFile struct {
	File string `json:"file"`
	Why  string `json:"why"`
}

// Scan reads the repository at root and judges it. It fails only when
// root cannot be walked (missing, unreadable); a file a parser refuses
// is listed in Skipped. It makes no Docker call.
func Scan(ctx context.Context, root string) (Static, error) {
	start := time.Now()
	fi, err := os.Stat(root)
	if err != nil {
		return Static{}, fmt.Errorf("scan: %w", err)
	}
	if !fi.IsDir() {
		return Static{}, fmt.Errorf("scan: %s is not a directory", root)
	}
	files, ws, err := walk.Files(root)
	if err != nil {
		return Static{}, fmt.Errorf("scan: %w", err)
	}
	st := Static{Root: root, Walk: ws}
	results := parseAll(ctx, files)
	if err := ctx.Err(); err != nil {
		return Static{}, err
	}
	var facts fact.Facts
	var cands []rules.Candidate
	sources := map[string][]byte{}
	for i, f := range files {
		r := results[i]
		switch {
		case f.Kind == walk.YAML:
			cands = append(cands, rules.Candidate{Path: f.Path, Test: f.Test})
			continue
		case r.err != nil:
			st.Skipped = append(st.Skipped, Skipped{File: f.Path, Reason: r.err.Error()})
		default:
			facts.Add(r.facts)
		}
		st.Files++
		sources[f.Path] = f.Src
	}
	for _, u := range facts.Unparsed {
		st.Skipped = append(st.Skipped, Skipped{File: fmt.Sprintf("%s:%d", u.Loc.File, u.Loc.Line), Reason: u.Reason})
	}
	used := rules.UsedCompose(cands, facts)
	for _, c := range cands {
		why, ok := used[c.Path]
		if !ok {
			continue
		}
		st.Files++
		src, err := walk.Load(root, walk.File{Path: c.Path})
		if err == nil && src == nil {
			continue // binary
		}
		var cf fact.ComposeFile
		var isCompose bool
		if err == nil {
			cf, isCompose, err = yamlscan.Compose(c.Path, src)
		}
		if err != nil {
			st.Skipped = append(st.Skipped, Skipped{File: c.Path, Reason: err.Error()})
			continue
		}
		if isCompose {
			facts.Compose = append(facts.Compose, cf)
			st.Compose = append(st.Compose, ComposeFile{File: c.Path, Why: why})
			sources[c.Path] = src
		}
	}
	st.Findings = rules.Evaluate(facts)
	for i := range st.Findings {
		st.Findings[i].Snippet = snippet(sources[st.Findings[i].File], st.Findings[i].Line)
	}
	st.Duration = time.Since(start)
	return st, nil
}

type parsed struct {
	facts fact.Facts
	err   error
}

// parseAll runs each file's scanner, in parallel; results are in file
// order. YAML files are left for the compose pass.
func parseAll(ctx context.Context, files []walk.File) []parsed {
	out := make([]parsed, len(files))
	work := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range work {
				out[i] = parseOne(files[i])
			}
		})
	}
	for i := range files {
		if ctx.Err() != nil {
			break
		}
		work <- i
	}
	close(work)
	wg.Wait()
	return out
}

// parseOne scans one file with the scanner of its kind.
func parseOne(f walk.File) parsed {
	var p parsed
	src := string(f.Src)
	switch f.Kind {
	case walk.Python:
		p.facts, p.err = pyscan.File(f.Path, f.Src, f.Test)
	case walk.Go:
		p.facts, p.err = goscan.File(f.Path, f.Src, f.Test)
	case walk.Shell:
		p.facts.Commands, p.err = shscan.Script(src, shscan.Origin{File: f.Path, Line: 1, Col: 1, Sink: fact.SinkShell, Test: f.Test})
	case walk.Makefile:
		p.facts.Commands, p.facts.Unparsed = shscan.Makefile(src, shscan.Origin{File: f.Path, Line: 1, Col: 1, Sink: fact.SinkMake, Test: f.Test})
	case walk.CI:
		p.facts, p.err = yamlscan.CI(f.Path, f.Src)
	case walk.PytestConfig:
		p.facts.Parallel = pyscan.Config(f.Path, f.Src)
	}
	return p
}

// maxSnippet bounds a snippet's length.
const maxSnippet = 200

// snippet is line n of src, trimmed.
func snippet(src []byte, n int) string {
	if n < 1 {
		return ""
	}
	lines := strings.SplitN(string(src), "\n", n+1)
	if len(lines) < n {
		return ""
	}
	s := strings.TrimSpace(strings.TrimSuffix(lines[n-1], "\r"))
	if len(s) > maxSnippet {
		s = s[:maxSnippet] + "…"
	}
	return s
}
