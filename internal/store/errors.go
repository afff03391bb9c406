package store

import "errors"

// ErrNotFound reports that an environment or lease does not exist.
var ErrNotFound = errors.New("not found")
