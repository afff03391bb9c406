package pyscan

// scope holds the values of names assigned in a function (or the
// module) so far; a function scope falls back to the module's.
type scope struct {
	vars   map[string]value
	parent *scope
}

func (s *scope) lookup(name string) (value, bool) {
	for ; s != nil; s = s.parent {
		if v, ok := s.vars[name]; ok {
			return v, true
		}
	}
	return value{}, false
}
