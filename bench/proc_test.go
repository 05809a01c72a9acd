package main

import (
	"os"
	"strings"
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	tests := []struct {
		name, line, comm string
		cpu              time.Duration
		wantErr          bool
	}{
		{
			name: "plain",
			line: "1234 (postgres) S 1 1234 1234 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 1 0 100 1000000 200 18446744073709551615",
			comm: "postgres", cpu: 3 * time.Second,
		},
		{
			name: "name with spaces and parentheses",
			line: "77 (my (odd) proc) R 1 77 77 0 -1 0 0 0 0 0 7 3 0 0 20 0 1 0 100 1000 20 0",
			comm: "my (odd) proc", cpu: 100 * time.Millisecond,
		},
		{name: "short", line: "1 (x) S 1 2 3", wantErr: true},
		{name: "no name", line: "1 x S", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cpu, comm, err := parseStat(tc.line)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("no error for %q", tc.line)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cpu != tc.cpu || comm != tc.comm {
				t.Errorf("got %s %q, want %s %q", cpu, comm, tc.cpu, tc.comm)
			}
		})
	}
}

func TestProcCPUOfThisProcess(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc on this system")
	}
	// Burn some CPU so the reading cannot be zero by accident.
	deadline := time.Now().Add(50 * time.Millisecond)
	for x := 0; time.Now().Before(deadline); x++ {
		_ = strings.Repeat("x", x%64)
	}
	cpu, comm, err := procCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if cpu <= 0 || comm == "" {
		t.Errorf("procCPU(self) = %s, %q", cpu, comm)
	}
	rss, err := procPeakRSS(os.Getpid())
	if err != nil || rss < 1<<20 {
		t.Errorf("procPeakRSS(self) = %d, %v", rss, err)
	}
}

func TestParseVmHWM(t *testing.T) {
	status := "Name:\tcrosswire\nVmPeak:\t  900000 kB\nVmHWM:\t   65536 kB\nVmRSS:\t   1000 kB\n"
	got, err := parseVmHWM(status)
	if err != nil || got != 64<<20 {
		t.Errorf("parseVmHWM = %d, %v; want %d", got, err, 64<<20)
	}
	if _, err := parseVmHWM("Name:\tx\n"); err == nil {
		t.Error("no error without VmHWM")
	}
}

func TestCPUDelta(t *testing.T) {
	before := map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: time.Second}
	after := map[int]time.Duration{1: 3 * time.Second, 2: 2 * time.Second, 4: 500 * time.Millisecond} // 3 ended, 4 is new
	if got := cpuDelta(before, after, nil); got != 2500*time.Millisecond {
		t.Errorf("all: %s, want 2.5s", got)
	}
	if got := cpuDelta(before, after, func(pid int) bool { return pid == 4 }); got != 500*time.Millisecond {
		t.Errorf("pid 4: %s, want 0.5s", got)
	}
}

func TestCommandLine(t *testing.T) {
	got := commandLine([]string{"CROSSWIRE_CPUPROFILE=/tmp/x/cold.prof"}, "/tmp/x/crosswire", []string{"fetch", "--config", "hub.yaml", "a b"})
	want := `CROSSWIRE_CPUPROFILE=cold.prof crosswire fetch --config hub.yaml "a b"`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestIntList(t *testing.T) {
	got, err := intList("1000, 10k,100_000")
	if err != nil || len(got) != 3 || got[0] != 1000 || got[1] != 10000 || got[2] != 100000 {
		t.Errorf("intList = %v, %v", got, err)
	}
	for _, bad := range []string{"", "x", "-5", "0"} {
		if _, err := intList(bad); err == nil {
			t.Errorf("intList(%q): no error", bad)
		}
	}
}

func TestWithParams(t *testing.T) {
	got, err := withParams("postgres://u:secret@127.0.0.1:5432/test?sslmode=disable", map[string]string{"search_path": "s1"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, "sslmode=disable") || !strings.Contains(got, "search_path=s1") {
		t.Errorf("withParams = %s", got)
	}
	if _, err := withParams("host=x dbname=y", nil); err == nil {
		t.Error("a key=value DSN was accepted")
	}
	if r := redact("postgres://u:secret@h/db"); strings.Contains(r, "secret") {
		t.Errorf("redact kept the password: %s", r)
	}
}

func TestIsLocal(t *testing.T) {
	for dsn, want := range map[string]bool{
		"postgres://postgres@127.0.0.1:5432/test": true,
		"postgres://localhost/test":               true,
		"postgres://db.example.com/test":          false,
	} {
		if got := isLocal(dsn); got != want {
			t.Errorf("isLocal(%s) = %v", dsn, got)
		}
	}
}
