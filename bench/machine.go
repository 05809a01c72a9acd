package main

import (
	"context"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"
)

type machine struct {
	cpus      int
	cpuModel  string
	memory    string
	kernel    string
	goVersion string
	commit    string
	loadStart string
	loadEnd   string
	date      string
	pgVersion string
}

func machineInfo(ctx context.Context, root string) machine {
	m := machine{
		cpus:      runtime.NumCPU(),
		cpuModel:  "?",
		memory:    "?",
		kernel:    strings.TrimSpace(readFile("/proc/sys/kernel/osrelease")),
		goVersion: runtime.Version(),
		loadStart: loadAvg(),
		date:      time.Now().UTC().Format("2006-01-02 15:04 UTC"),
	}
	for _, line := range strings.Split(readFile("/proc/cpuinfo"), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			m.cpuModel = strings.TrimSpace(v)
			break
		}
	}
	m.memory = memTotal(readFile("/proc/meminfo"))
	if out, err := exec.CommandContext(ctx, "go", "env", "GOVERSION").Output(); err == nil {
		m.goVersion = strings.TrimSpace(string(out))
	}
	m.commit = gitCommit(ctx, root)
	return m
}

// gitCommit names the tree measured: HEAD, and whether the working tree
// differs from it. Read-only: GIT_OPTIONAL_LOCKS=0 keeps git from
// refreshing the index.
func gitCommit(ctx context.Context, root string) string {
	git := func(args ...string) *exec.Cmd {
		cmd := exec.CommandContext(ctx, "git", args...)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GIT_OPTIONAL_LOCKS=0")
		return cmd
	}
	out, err := git("rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return ""
	}
	c := strings.TrimSpace(string(out))
	if git("diff", "--quiet", "HEAD").Run() != nil {
		c += " + uncommitted changes"
	}
	return c
}

func memTotal(meminfo string) string {
	for _, line := range strings.Split(meminfo, "\n") {
		if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			f := strings.Fields(v)
			if len(f) == 2 {
				if kb, err := strconv.ParseInt(f[0], 10, 64); err == nil {
					return strconv.FormatFloat(float64(kb)/(1<<20), 'f', 1, 64) + " GiB"
				}
			}
		}
	}
	return "?"
}

func readFile(p string) string {
	b, _ := os.ReadFile(p)
	return string(b)
}

// loadAvg is the 1, 5 and 15 minute load averages.
func loadAvg() string {
	f := strings.Fields(readFile("/proc/loadavg"))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
