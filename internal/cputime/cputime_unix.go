//go:build unix

// Package cputime reads this process's CPU time, which benchmarks report
// beside wall time: on a machine shared with other work it measures the
// code's own cost better.
package cputime

import (
	"syscall"
	"time"
)

// Process is the CPU time (user and system) this process has used; ok is
// false where it cannot be read.
func Process() (d time.Duration, ok bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
