package fact

// Blocks numbers the statement lists of one file, so that every
// scanner working on the file (and the shell scanner called on strings
// the file runs) gives out distinct [Context.Block] values. The zero
// value starts at 1; it is not safe for concurrent use.
type Blocks struct{ n int }

// New returns an unused block number.
func (b *Blocks) New() int {
	b.n++
	return b.n
}

// Adjacent reports whether b is the statement right after a's, in the
// same statement list of the same file.
func Adjacent(a, b Context, fileA, fileB string) bool {
	return fileA == fileB && a.Block == b.Block && b.Step == a.Step+1
}
