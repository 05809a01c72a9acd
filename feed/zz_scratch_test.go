package feed

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestScratchCorpusTiming(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(os.Getenv("FUZZDIR"), "*"))
	t.Log(len(files))
	for _, fn := range files {
		raw, _ := os.ReadFile(fn)
		lines := strings.SplitN(string(raw), "\n", 4)
		if len(lines) < 3 {
			continue
		}
		s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")"))
		if err != nil {
			t.Log("bad", fn, err)
			continue
		}
		ct, _ := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[2], "string("), ")"))
		done := make(chan struct{})
		start := time.Now()
		go func() { Parse([]byte(s), Options{ContentType: ct}); close(done) }()
		select {
		case <-done:
			if d := time.Since(start); d > 5*time.Millisecond {
				t.Logf("%s: %v len=%d", fn, d, len(s))
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("HANG %s len=%d ct=%q\n%q", fn, len(s), ct, s[:min(len(s), 800)])
		}
	}
}
