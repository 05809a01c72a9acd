package main

import (
	"context"
	"errors"
)

// TODO(owner): placeholder until the command is wired.
func runSources(ctx context.Context, sio stdio, args []string) error {
	return errors.New("not implemented yet")
}
