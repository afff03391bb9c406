package compose

import "strings"

// loc is where a key was written: a file (display name) and a 1-based line.
type loc struct {
	file string
	line int
}

// locations maps dotted key paths ("services.web.mem_limit") to where the
// user last wrote them. Files are walked in merge order, so a later file's
// definition replaces an earlier one, as the merge does. It lets checks made
// after compose-go's merge point at the user's file and line.
type locations struct {
	byPath   map[string]loc
	fallback loc // the first compose file, for keys written nowhere
}

func newLocations() *locations {
	return &locations{byPath: map[string]loc{}}
}

func (ls *locations) set(path string, l loc) {
	ls.byPath[path] = l
}

// at returns where path, or its nearest written ancestor, was defined.
func (ls *locations) at(path string) loc {
	for p := path; p != ""; {
		if l, ok := ls.byPath[p]; ok {
			return l
		}
		i := strings.LastIndexByte(p, '.')
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return ls.fallback
}

// errorf builds an *Error for path, located where the user wrote it.
func (ls *locations) errorf(path, format string, args ...any) *Error {
	return errAt(ls.at(path), path, format, args...)
}
