package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// usage is what one finished child process cost.
type usage struct {
	wall    time.Duration
	cpu     time.Duration // user + system
	maxRSS  int64         // bytes
	stdout  string
	stderr  string
	command string
}

// runMeasured runs a command to completion and returns its resource usage
// from wait4's rusage (the child alone: the harness's own CPU is not in it).
func runMeasured(ctx context.Context, env []string, name string, args ...string) (usage, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.WaitDelay = 5 * time.Second
	u := usage{command: commandLine(env, name, args)}
	start := time.Now()
	err := cmd.Run()
	u.wall = time.Since(start)
	u.stdout, u.stderr = out.String(), errb.String()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && cmd.ProcessState != nil {
		u.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		u.maxRSS = ru.Maxrss * 1024 // kilobytes on Linux
	}
	if err != nil {
		return u, fmt.Errorf("%s: %w\n%s", u.command, err, tail(u.stderr+u.stdout, 2000))
	}
	return u, nil
}

// commandLine renders a command for the report, with the binary's base
// name (the temporary directory is not part of the recipe).
func commandLine(env []string, name string, args []string) string {
	var parts []string
	for _, e := range env {
		k, v, _ := strings.Cut(e, "=")
		if k == "CROSSWIRE_CPUPROFILE" {
			v = filepath.Base(v)
		}
		parts = append(parts, k+"="+v)
	}
	parts = append(parts, filepath.Base(name))
	for _, a := range args {
		if strings.ContainsAny(a, " \t\"'&?") {
			a = strconv.Quote(a)
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat times: 100 on every
// Linux architecture Go supports.
const clockTicks = 100

// procCPU reads a process's user+system CPU time from /proc/PID/stat.
func procCPU(pid int) (time.Duration, string, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, "", err
	}
	return parseStat(string(b))
}

// parseStat returns utime+stime and the command name of a /proc/PID/stat
// line. The name is in parentheses and may itself hold spaces and
// parentheses, so the fields are counted from the last ')'.
func parseStat(s string) (time.Duration, string, error) {
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return 0, "", fmt.Errorf("malformed stat line %q", tail(s, 80))
	}
	comm := s[open+1 : end]
	f := strings.Fields(s[end+1:])
	// After the name: state(0) ppid(1) ... utime is field 14 of the line,
	// index 11 here; stime index 12.
	if len(f) < 13 {
		return 0, "", fmt.Errorf("short stat line %q", tail(s, 80))
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, "", fmt.Errorf("stat times %q %q", f[11], f[12])
	}
	return time.Duration(ut+st) * time.Second / clockTicks, comm, nil
}

// procPeakRSS is a live process's peak resident set (VmHWM) in bytes.
func procPeakRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	return parseVmHWM(string(b))
}

func parseVmHWM(status string) (int64, error) {
	for _, line := range strings.Split(status, "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(v)
			if len(f) == 2 && f[1] == "kB" {
				n, err := strconv.ParseInt(f[0], 10, 64)
				return n * 1024, err
			}
		}
	}
	return 0, fmt.Errorf("no VmHWM in status")
}

// cpuByComm returns the CPU time of every process whose command name is
// comm, by PID (processes that end in between are simply absent).
func cpuByComm(comm string) map[int]time.Duration {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	out := map[int]time.Duration{}
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cpu, c, err := procCPU(pid)
		if err != nil || c != comm {
			continue
		}
		out[pid] = cpu
	}
	return out
}

// cpuDelta sums, over the processes of after, the CPU spent since before
// (all of it for a process that was not there yet). keep filters PIDs; nil
// keeps all.
func cpuDelta(before, after map[int]time.Duration, keep func(pid int) bool) time.Duration {
	var d time.Duration
	for pid, a := range after {
		if keep != nil && !keep(pid) {
			continue
		}
		d += a - before[pid]
	}
	return d
}
