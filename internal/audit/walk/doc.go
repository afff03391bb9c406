// Package walk lists the files of a repository berth audit reads, with
// their kind: the repository's .gitignore files (and .git/info/exclude)
// are honoured, vendored trees (vendor/, node_modules/, virtualenvs) and
// binary or very large files are skipped, and symbolic links are not
// followed. Only files of a kind some scanner reads are opened.
//
// Start with [Files].
package walk
