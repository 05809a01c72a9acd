package crosswire

import "errors"

// ErrNotFound is returned by stores when the asked-for thing does not exist.
// Adapters wrap it; callers test with errors.Is.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a unique value (a slug, a feed URL) is taken.
var ErrConflict = errors.New("conflict")
