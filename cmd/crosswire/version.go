package main

import (
	"context"
	"fmt"
	"runtime"

	"crosswire"
)

func runVersion(ctx context.Context, sio stdio, args []string) error {
	fs := newFlags(sio, "version", "")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(sio.out, "crosswire %s (%s %s/%s)\n", crosswire.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}
