package lifecycle

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"

	"github.com/berth-dev/berth/internal/engine"
)

// Parser directives at the top of a Dockerfile. Read-only after package
// initialisation.
var (
	syntaxDirective = regexp.MustCompile(`(?i)^#\s*syntax\s*=\s*(\S+)\s*$`)
	anyDirective    = regexp.MustCompile(`^#\s*[A-Za-z][A-Za-z0-9_]*\s*=`)
)

// syntaxImage returns the frontend image a Dockerfile's "# syntax="
// directive names, or "" when it names none (or cannot be read: the
// build then says why).
func syntaxImage(dockerfile string) string {
	f, err := os.Open(dockerfile)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if m := syntaxDirective.FindStringSubmatch(line); m != nil {
			return m[1]
		}
		if !anyDirective.MatchString(line) {
			return ""
		}
	}
	return ""
}

// frontendNotice gets the frontend image that dockerfile's "# syntax="
// names, through berth's pull path (the gate pulls each image once for
// every berth process of the daemon), when it is not on the daemon. It
// returns "" when there is none or the image is there, and otherwise the
// notice that the build falls back to the builder's built-in frontend.
func frontendNotice(ctx context.Context, e engine.Engine, dockerfile string) string {
	ref := syntaxImage(dockerfile)
	if ref == "" {
		return ""
	}
	_, err := e.ImageInspect(ctx, ref)
	if err == nil {
		return ""
	}
	if errors.Is(err, engine.ErrNotFound) {
		if err = e.ImagePull(ctx, ref, engine.PullOptions{}, nil); err == nil {
			return ""
		}
	}
	return fmt.Sprintf("the Dockerfile frontend %s named by \"# syntax=\" could not be pulled (%v): building with the daemon's built-in Dockerfile frontend", ref, err)
}
