package main

import (
	"context"
	"errors"
)

// TODO(owner): placeholder until the command is wired.
func runInspect(ctx context.Context, sio stdio, args []string) error {
	return errors.New("not implemented yet")
}
