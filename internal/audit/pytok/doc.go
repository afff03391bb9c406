// Package pytok splits Python source into tokens the way Python's own
// tokenizer does for what berth audit needs: names, numbers, operators,
// strings (every prefix, triple-quoted, f-strings with nested replacement
// fields), comments, logical line ends (NEWLINE, as opposed to NL inside
// brackets and on blank lines), explicit and implicit line joining, and
// INDENT/DEDENT. It knows nothing about the grammar beyond that.
//
// Start with [Tokenize].
package pytok
