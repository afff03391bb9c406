package shscan

import (
	"mvdan.cc/sh/v3/syntax"
)

// comparisons are the test operators that bound a counting loop.
var comparisons = map[string]bool{"-lt": true, "-le": true, "-gt": true, "-ge": true}

// whileBounded reports whether a while/until loop's condition can end
// it on its own: it compares a counter ([ "$i" -lt 5 ], (( i < 5 ))) or
// reads a finite input (while read line).
func whileBounded(c *syntax.WhileClause) bool {
	bounded := false
	for _, s := range c.Cond {
		syntax.Walk(s, func(n syntax.Node) bool {
			switch n := n.(type) {
			case *syntax.CallExpr:
				for i, a := range n.Args {
					lit := a.Lit()
					if comparisons[lit] || (i == 0 && lit == "read") {
						bounded = true
					}
				}
			case *syntax.BinaryTest:
				bounded = bounded || comparisons[n.Op.String()]
			case *syntax.BinaryArithm:
				switch n.Op {
				case syntax.Lss, syntax.Leq, syntax.Gtr, syntax.Geq:
					bounded = true
				}
			}
			return !bounded
		})
	}
	return bounded
}

// forBounded reports whether a for loop ends on its own: a word list is
// finite; a C-style loop needs a comparing condition.
func forBounded(c *syntax.ForClause) bool {
	switch l := c.Loop.(type) {
	case *syntax.WordIter:
		return !c.Select
	case *syntax.CStyleLoop:
		b, ok := l.Cond.(*syntax.BinaryArithm)
		if !ok {
			return false
		}
		switch b.Op {
		case syntax.Lss, syntax.Leq, syntax.Gtr, syntax.Geq:
			return true
		}
	}
	return false
}

// sleeps reports whether any command in list is sleep.
func sleeps(list []*syntax.Stmt) bool {
	found := false
	for _, s := range list {
		syntax.Walk(s, func(n syntax.Node) bool {
			if c, ok := n.(*syntax.CallExpr); ok && len(c.Args) > 0 {
				switch c.Args[0].Lit() {
				case "sleep", "usleep":
					found = true
				}
			}
			return !found
		})
	}
	return found
}
