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
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"crosswire"
	"crosswire/story"
)

const storiesUsage = `Usage: crosswire stories SUBCOMMAND [flags]

Subcommands:
  group FILE.jsonl        group articles from a JSON-lines file (- for stdin)
                          and print {"id": ..., "story": ...} per article, in
                          input order
  list [--limit N]        list the most recently active stories
  merge INTO FROM...      move the articles of stories FROM into story INTO
                          (manual: survives rebuilds)
  split ARTICLE_ID...     move articles out of their stories into a new one
                          (manual: survives rebuilds)
  rebuild                 regroup the whole archive after a change of rules or
                          thresholds, keeping manual merges and splits; stop the
                          hub first and start it again after

Every subcommand but group takes --config FILE to find the database.
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
	case "list":
		return runStoriesList(ctx, sio, args[1:])
	case "merge":
		return runStoriesMerge(ctx, sio, args[1:])
	case "split":
		return runStoriesSplit(ctx, sio, args[1:])
	case "rebuild":
		return runStoriesRebuild(ctx, sio, args[1:])
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

func runStoriesList(ctx context.Context, sio stdio, args []string) error {
	fs := newFlags(sio, "stories list", "[--config FILE] [--limit N]")
	cfgPath := configFlag(fs)
	limit := fs.Int("limit", 20, "how many stories to list, most recently active first")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 || *limit <= 0 {
		fs.Usage()
		return errUsage
	}
	_, st, err := openForCLI(ctx, *cfgPath)
	if err != nil {
		return err
	}
	defer st.Close()
	stories, err := st.Stories(ctx, crosswire.StoryQuery{Limit: *limit})
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(sio.out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tARTICLES\tSOURCES\tFIRST (UTC)\tSPAN\tTITLE")
	for _, s := range stories {
		fmt.Fprintf(tw, "%d\t%d\t%d\t%s\t%s\t%s\n", s.ID, s.Articles, s.Sources,
			s.FirstAt.UTC().Format("2006-01-02 15:04"), span(s.LastAt.Sub(s.FirstAt)), truncate(s.Title, 72))
	}
	return tw.Flush()
}

// span writes a story's time span the way a reader says it: 40m, 5h10m,
// 2d3h.
func span(d time.Duration) string {
	d = d.Round(time.Minute)
	switch {
	case d < time.Minute:
		return "-"
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd%dh", int(d.Hours())/24, int(d.Hours())%24)
}

func runStoriesMerge(ctx context.Context, sio stdio, args []string) error {
	fs := newFlags(sio, "stories merge", "[--config FILE] INTO FROM...")
	cfgPath := configFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ids, err := parseIDs(fs.Args())
	if err != nil || len(ids) < 2 {
		if err != nil {
			fmt.Fprintf(sio.err, "crosswire stories merge: %v\n", err)
		}
		fs.Usage()
		return errUsage
	}
	_, st, err := openForCLI(ctx, *cfgPath)
	if err != nil {
		return err
	}
	defer st.Close()
	moved, err := story.Merge(ctx, st, ids[0], ids[1:], time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(sio.out, "merged %s into story %d\n", plural(moved, "article"), ids[0])
	return nil
}

func runStoriesSplit(ctx context.Context, sio stdio, args []string) error {
	fs := newFlags(sio, "stories split", "[--config FILE] ARTICLE_ID...")
	cfgPath := configFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ids, err := parseIDs(fs.Args())
	if err != nil || len(ids) == 0 {
		if err != nil {
			fmt.Fprintf(sio.err, "crosswire stories split: %v\n", err)
		}
		fs.Usage()
		return errUsage
	}
	_, st, err := openForCLI(ctx, *cfgPath)
	if err != nil {
		return err
	}
	defer st.Close()
	id, err := story.Split(ctx, st, ids, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(sio.out, "moved %s into new story %d\n", plural(len(ids), "article"), id)
	return nil
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func parseIDs(args []string) ([]int64, error) {
	var ids []int64
	for _, a := range args {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id <= 0 {
			return nil, fmt.Errorf("%q is not an ID", a)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func runStoriesRebuild(ctx context.Context, sio stdio, args []string) error {
	fs := newFlags(sio, "stories rebuild", "[--config FILE]")
	cfgPath := configFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return errUsage
	}
	_, st, err := openForCLI(ctx, *cfgPath)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	opt := story.RebuildOptions{Now: time.Now}
	// On a terminal a progress line is rewritten in place; a log or a
	// pipe gets only the summary.
	live := isTerminal(sio.err)
	if live {
		var last time.Time
		opt.Progress = func(p story.RebuildProgress) {
			if now := time.Now(); now.Sub(last) >= 200*time.Millisecond || p.Done >= p.Total {
				last = now
				fmt.Fprintf(sio.err, "\rrebuilding: %d/%d articles (%d%%), %d stories", p.Done, p.Total, percent(p.Done, p.Total), p.Stories)
			}
		}
	}
	p, err := story.Rebuild(ctx, st, opt)
	if live {
		fmt.Fprintln(sio.err)
	}
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	fmt.Fprintf(sio.out, "rebuilt %d articles in %s (%.0f articles/s): %d kept where an operator put them, %d new stories\n",
		p.Done, elapsed.Round(time.Millisecond), float64(p.Done)/max(elapsed.Seconds(), 1e-3), p.Manual, p.Stories)
	return nil
}

func percent(n, of int) int {
	if of == 0 {
		return 100
	}
	return min(100, n*100/of)
}
