//go:build !unix

package story

import "time"

func processCPU() (time.Duration, bool) { return 0, false }
