// Package ignore matches paths against .gitignore files the way git
// does for what berth audit needs: blank lines and comments, negation
// (!), directory-only patterns (trailing /), patterns anchored by a
// slash, *, ?, [classes] and **, escapes with a backslash, and the
// precedence of a deeper .gitignore over a shallower one and of a later
// line over an earlier one.
//
// Start with [Parse] and [Stack.Ignored].
package ignore
