package pyscan

import (
	"strings"

	"github.com/berth-dev/berth/internal/audit/fact"
	"github.com/berth-dev/berth/internal/audit/pytok"
)

// newLoop makes the loop of a while or for statement. A for loop is
// bounded unless it iterates itertools.count/cycle/repeat; a while loop
// is bounded when its condition compares (while attempts < 5).
func newLoop(toks []pytok.Token, file string) *fact.Loop {
	l := &fact.Loop{Loc: fact.Loc{File: file, Line: toks[0].Line, Col: toks[0].Col}}
	cond := headerPart(toks)
	if firstWord(toks) == "for" {
		l.Bounded = true
		for _, tk := range cond {
			if tk.IsName("count") || tk.IsName("cycle") || tk.IsName("repeat") {
				l.Bounded = false
			}
		}
		return l
	}
	for _, tk := range cond {
		switch tk.Text {
		case "<", "<=", ">", ">=":
			if tk.Kind == pytok.Op {
				l.Bounded = true
			}
		}
	}
	return l
}

// headerPart is a compound statement's tokens up to its first ":" at
// bracket depth 0.
func headerPart(toks []pytok.Token) []pytok.Token {
	depth := 0
	for i, tk := range toks {
		if tk.Kind != pytok.Op {
			continue
		}
		switch tk.Text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
		case ":":
			if depth == 0 {
				return toks[:i]
			}
		}
	}
	return toks
}

// retryNames are the decorators that retry the function they decorate.
var retryNames = map[string]bool{"retry": true, "tenacity.retry": true, "retrying.retry": true,
	"backoff.on_exception": true, "backoff.on_predicate": true, "retry.retry": true}

// retryStops and retryWaits are the keyword arguments that give a retry
// decorator a limit and a delay.
var (
	retryStops = []string{"stop", "tries", "max_tries", "max_time", "attempts", "retries", "stop_max_attempt_number", "stop_max_delay"}
	retryWaits = []string{"wait", "delay", "backoff", "wait_fixed", "wait_random", "wait_exponential", "jitter"}
)

// retryLoop is the loop a retry decorator line (@retry, @retry(...),
// @backoff.on_exception(...)) wraps its function in; nil for any other
// decorator. backoff's decorators always wait between tries.
func retryLoop(toks []pytok.Token, file string) *fact.Loop {
	if len(toks) < 2 {
		return nil
	}
	var name []string
	i := 1
	for ; i < len(toks) && (toks[i].Kind == pytok.Name || toks[i].IsOp(".")); i++ {
		name = append(name, toks[i].Text)
	}
	full := strings.Join(name, "")
	if !retryNames[full] {
		return nil
	}
	l := &fact.Loop{Loc: fact.Loc{File: file, Line: toks[0].Line, Col: toks[0].Col}, Delay: strings.HasPrefix(full, "backoff.")}
	if i < len(toks) && toks[i].IsOp("(") {
		c := parseArgs(toks, i)
		for kw := range c.kwargs {
			for _, s := range retryStops {
				l.Bounded = l.Bounded || kw == s || strings.HasPrefix(kw, s+"_")
			}
			for _, w := range retryWaits {
				l.Delay = l.Delay || kw == w || strings.HasPrefix(kw, w+"_")
			}
		}
	}
	return l
}

// sleepNames are calls that pause a loop.
var sleepNames = map[string]bool{"time.sleep": true, "asyncio.sleep": true, "sleep": true, "gevent.sleep": true}
