//go:build !unix

// Package cputime reads this process's CPU time, which benchmarks report
// beside wall time: on a machine shared with other work it measures the
// code's own cost better.
package cputime

import "time"

// Process is not measured here: ok is false.
func Process() (d time.Duration, ok bool) { return 0, false }
