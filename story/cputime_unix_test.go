//go:build unix

package story

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user and system, GC included) this process
// has used: on a machine shared with other work it measures the grouper's
// cost better than wall time does.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
