package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"crosswire"
)

// chromiumPath finds a headless-capable Chromium: CROSSWIRE_CHROMIUM, else
// Debian's package.
func chromiumPath() string {
	if p := os.Getenv("CROSSWIRE_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestStoryPageInBrowser renders a story page in headless Chromium: the
// page loads without console errors, one column per outlet is shown, and
// at desktop width the columns stand side by side (on a phone, stacked).
// With CROSSWIRE_SCREENSHOT_DIR set it saves screenshots there.
func TestStoryPageInBrowser(t *testing.T) {
	bin := chromiumPath()
	if bin == "" {
		t.Skip("no Chromium found (install Debian's chromium or set CROSSWIRE_CHROMIUM): browser check skipped")
	}
	if testing.Short() {
		t.Skip("browser check skipped in -short mode")
	}
	f := newFixture(t, Options{Perspectives: []string{"russia-state", "ukraine", "western-public", "independent"}})
	pub := t0.Add(-3 * time.Hour)
	var arts []*crosswire.Article
	for i, o := range []struct {
		slug, name, persp string
		own               crosswire.Ownership
		title             string
	}{
		{"wire", "Halyard Wire", "", crosswire.OwnershipPrivate, "Missile strike hits apartment block in Dnipro, killing at least 9"},
		{"kpb", "KPB News", "western-public", crosswire.OwnershipPublic, "Dnipro: Russian missile strike on block of flats kills 11"},
		{"podil", "The Podil Post", "ukraine", crosswire.OwnershipPrivate, "Russian missile hits high-rise in Dnipro, dozens injured"},
		{"vertikal", "Vertikal", "russia-state", crosswire.OwnershipStateOwned, "Удар по объектам военной инфраструктуры в Днепропетровске"},
	} {
		src := f.source(o.slug, o.name, o.own, func(s *crosswire.Source) { s.Perspective = o.persp })
		arts = append(arts, f.article(src, o.title, pub.Add(time.Duration(i)*20*time.Minute), nil))
	}
	storyID := f.story("Missile strike on Dnipro", arts...)
	srv := httptest.NewServer(f.srv)
	defer srv.Close()

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)...)
	defer cancelAlloc()
	var mu sync.Mutex
	var problems []string
	ctx, cancel := chromedp.NewContext(allocCtx, chromedp.WithListener(func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning {
				problems = append(problems, "console."+string(e.Type))
			}
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+e.ExceptionDetails.Text)
		case *log.EventEntryAdded:
			if e.Entry.Level == log.EntryLevelError {
				problems = append(problems, "log: "+e.Entry.Text+" "+e.Entry.URL)
			}
		}
	}))
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	defer cancelTimeout()

	url := fmt.Sprintf("%s/stories/%d", srv.URL, storyID)
	const twoColumns = `(() => { const c = document.querySelectorAll('.columns .column'); const a = c[0].getBoundingClientRect(), b = c[1].getBoundingClientRect(); return Math.abs(a.top - b.top) < 2 && b.left > a.right - 1; })()`
	const stackedNoScroll = `(() => { const c = document.querySelectorAll('.columns .column'); const a = c[0].getBoundingClientRect(), b = c[1].getBoundingClientRect(); return b.top >= a.bottom - 1 && document.documentElement.scrollWidth <= window.innerWidth + 1; })()`
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("browser: %v", err)
		}
	}
	must(chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)))
	_, err := chromedp.Call(ctx, log.Enable, cdp.Empty{})
	must(err)
	must(chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitVisible(".columns .column")))
	columns, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('.columns .column').length`))
	must(err)
	sideBySide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](twoColumns))
	must(err)
	blindspot, err := chromedp.Run(ctx, chromedp.Text(".blindspot"))
	must(err)
	desktop, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	must(err)
	must(chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)))
	stacked, err := chromedp.Run(ctx, chromedp.Evaluate[bool](stackedNoScroll))
	must(err)
	phone, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	must(err)

	if columns != 4 {
		t.Errorf("columns = %d, want one per outlet (4)", columns)
	}
	if !sideBySide {
		t.Error("at 1280 px the first two columns are not side by side")
	}
	if !stacked {
		t.Error("at 390 px the columns are not stacked, or the page scrolls sideways")
	}
	if !strings.Contains(blindspot, "independent") || strings.Contains(blindspot, "ukraine") {
		t.Errorf("not-covered-by line = %q", blindspot)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(problems) > 0 {
		t.Errorf("console problems: %v", problems)
	}
	if dir := os.Getenv("CROSSWIRE_SCREENSHOT_DIR"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, img := range map[string][]byte{"story-desktop.png": desktop, "story-phone.png": phone} {
			if err := os.WriteFile(filepath.Join(dir, name), img, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("screenshots in %s", dir)
	}
}
