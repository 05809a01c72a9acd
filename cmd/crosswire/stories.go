package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"crosswire/story"
)

const storiesUsage = `Usage: crosswire stories SUBCOMMAND [flags]

Subcommands:
  group FILE.jsonl   group articles from a JSON-lines file (- for stdin) and
                     print {"id": ..., "story": ...} per article, in input order
  rebuild            regroup the archive, keeping manual assignments
  merge A B          merge story B into story A (manual, survives rebuilds)
  split STORY ID...  move articles out of a story into a new one (manual)
  list               list recent stories

Run 'crosswire stories SUBCOMMAND --help' for its flags.
`

func runStories(ctx context.Context, sio stdio, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(sio.err, storiesUsage)
		return errUsage
	}
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Fprint(sio.err, storiesUsage)
		return flag.ErrHelp
	case "group":
		return runStoriesGroup(ctx, sio, args[1:])
	case "rebuild", "merge", "split", "list":
		// These work on the store's archive and manual assignments; the
		// grouping they run is story.Grouper, as for group.
		return fmt.Errorf("stories %s: not wired to the store yet", args[0])
	}
	fmt.Fprintf(sio.err, "crosswire stories: unknown subcommand %q\n\n%s", args[0], storiesUsage)
	return errUsage
}

func runStoriesGroup(ctx context.Context, sio stdio, args []string) error {
	fs := newFlags(sio, "stories group", "[flags] FILE.jsonl|-")
	explain := fs.Bool("explain", false, "also print each decision's score, shared terms and reason")
	opt := story.DefaultOptions()
	fs.DurationVar(&opt.Window, "window", opt.Window, "longest time span of one story")
	fs.Float64Var(&opt.Threshold, "threshold", opt.Threshold, "lowest similarity at which an article joins a story")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	name := fs.Arg(0)
	var r io.Reader = os.Stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("group: %w", err)
		}
		defer f.Close()
		r = f
	}
	return groupArticles(ctx, r, sio.out, opt, *explain)
}

// groupInput is one line of the offline command's input.
type groupInput struct {
	ID        string `json:"id"`
	Source    string `json:"source"`
	Lang      string `json:"lang"`
	Published string `json:"published"`
	Title     string `json:"title"`
	Summary   string `json:"summary"`
	URL       string `json:"url"`
}

type groupOutput struct {
	ID     string   `json:"id"`
	Story  string   `json:"story"`
	New    *bool    `json:"new,omitempty"`
	Score  *float64 `json:"score,omitempty"`
	Terms  []string `json:"terms,omitempty"`
	Reason string   `json:"reason,omitempty"`
}

// groupArticles reads articles, feeds them to a story.Grouper in published
// order (as the live pipeline sees them) and writes one decision per
// article in input order.
func groupArticles(ctx context.Context, r io.Reader, w io.Writer, opt story.Options, explain bool) error {
	items, err := readArticles(r)
	if err != nil {
		return err
	}
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return items[a].Published.Compare(items[b].Published)
	})
	g := story.NewGrouper(opt)
	decisions := make([]story.Decision, len(items))
	for n, i := range order {
		if n%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		decisions[i] = g.Add(items[i])
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for i, d := range decisions {
		out := groupOutput{ID: items[i].ID, Story: d.Story}
		if explain {
			out.New, out.Score, out.Terms, out.Reason = &d.New, &d.Score, d.Terms, d.Reason
		}
		if err := enc.Encode(out); err != nil {
			return fmt.Errorf("write: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}

func readArticles(r io.Reader) ([]story.Item, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	var items []story.Item
	seen := map[string]int{}
	for line := 1; ; line++ {
		b, err := br.ReadBytes('\n')
		if len(strings.TrimSpace(string(b))) > 0 {
			var in groupInput
			if jerr := json.Unmarshal(b, &in); jerr != nil {
				return nil, fmt.Errorf("line %d: %w", line, jerr)
			}
			if in.ID == "" {
				return nil, fmt.Errorf("line %d: missing id", line)
			}
			if prev, ok := seen[in.ID]; ok {
				return nil, fmt.Errorf("line %d: id %q already on line %d", line, in.ID, prev)
			}
			seen[in.ID] = line
			t, perr := time.Parse(time.RFC3339, in.Published)
			if perr != nil {
				return nil, fmt.Errorf("line %d: published: %w", line, perr)
			}
			items = append(items, story.Item{ID: in.ID, Source: in.Source, Lang: in.Lang,
				Published: t.UTC(), Title: in.Title, Summary: in.Summary})
		}
		if errors.Is(err, io.EOF) {
			return items, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read line %d: %w", line, err)
		}
	}
}
