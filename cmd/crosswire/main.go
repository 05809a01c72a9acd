// Command crosswire is the hub: it polls outlets' feeds, archives every
// article revision and republishes the chosen sources as a website and
// output feeds. This file only dispatches to the subcommands; each lives in
// its own file and wires the packages together.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
)

// stdio is where a command writes; tests pass buffers.
type stdio struct {
	out io.Writer
	err io.Writer
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, sio stdio, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "run the hub: poll feeds and serve the site", runServe},
		{"fetch", "poll feeds once and exit", runFetch},
		{"sources", "add, list, pause, resume, remove, import or export sources", runSources},
		{"inspect", "parse one feed (file or URL) and print what the hub sees", runInspect},
		{"stories", "group articles into stories (group, rebuild, merge, split)", runStories},
		{"migrate", "copy a SQLite archive into PostgreSQL (sqlite-to-postgres)", runMigrate},
		{"version", "print the version", runVersion},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// CROSSWIRE_CPUPROFILE=FILE profiles any command (benchmarks, tuning).
	stopProfile := startCPUProfile(os.Getenv("CROSSWIRE_CPUPROFILE"))
	// CROSSWIRE_MEMPROFILE=FILE writes a heap profile at exit: its in-use
	// figures are those of the last collection, while the command's data
	// was still live.
	code := run(ctx, stdio{os.Stdout, os.Stderr}, os.Args[1:])
	stopProfile()
	writeHeapProfile(os.Getenv("CROSSWIRE_MEMPROFILE"))
	stop()
	os.Exit(code)
}

func startCPUProfile(path string) func() {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "crosswire: cpu profile: %v\n", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintf(os.Stderr, "crosswire: cpu profile: %v\n", err)
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

func writeHeapProfile(path string) {
	if path == "" {
		return
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.WriteHeapProfile(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "crosswire: heap profile: %v\n", err)
	}
}

// run returns the process exit status: 0 ok, 1 failure, 2 usage error.
func run(ctx context.Context, sio stdio, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(sio.err)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, sio, args[1:])
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			return 2
		}
		fmt.Fprintf(sio.err, "crosswire %s: %v\n", c.name, err)
		return 1
	}
	fmt.Fprintf(sio.err, "crosswire: unknown command %q\n\n", args[0])
	usage(sio.err)
	return 2
}

// errUsage is returned after a flag set already printed what was wrong.
var errUsage = errors.New("usage")

func usage(w io.Writer) {
	fmt.Fprintln(w, "crosswire: a self-hosted news syndication hub")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: crosswire COMMAND [flags]")
	fmt.Fprintln(w)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'crosswire COMMAND --help' for a command's flags.")
}

// newFlags makes a flag set that prints its usage to sio.err and reports
// parse errors as errUsage (already explained) instead of exiting.
func newFlags(sio stdio, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("crosswire "+name, flag.ContinueOnError)
	fs.SetOutput(sio.err)
	fs.Usage = func() {
		fmt.Fprintf(sio.err, "Usage: crosswire %s %s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args and maps errors to errUsage / flag.ErrHelp.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return flag.ErrHelp
		}
		return errUsage
	}
	return nil
}

// isTerminal reports whether w is a terminal, where commands draw a
// self-overwriting progress line (and plain lines elsewhere: logs, CI).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
