package content

import (
	"testing"

	"crosswire"
)

func FuzzSanitize(f *testing.F) {
	for _, s := range []string{
		`<p>hello <b>world</b></p>`,
		`<script>alert(1)</script>`,
		`<img src=x onerror=alert(1)>`,
		`<a href="javascript:alert(1)">x</a>`,
		`<!-- <script> --><p>x</p>`,
		`<svg><script>alert(1)</script></svg>`,
		`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
		`<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
		`<table><tr><td>a<td>b</table>`,
		`<picture><source srcset="a 1w"><img data-src=b></picture>`,
		"<pre>\n\nx</pre>",
		`<p>a&nbsp;&nbsp;b<br><br></p>`,
		`<a href=/x?utm_source=1>l</a>`,
		`<form><input onfocus=alert(1) autofocus></form>`,
	} {
		f.Add(s)
	}
	base := mustURL(f, "https://outlet.example/a/b.html")
	f.Fuzz(func(t *testing.T, in string) {
		out := Sanitize(in, base)
		// checkSafe parses the output as a browser would: every element,
		// attribute and URL scheme must be on the allowlist.
		checkSafe(t, in, out)
		if err := checkXML(out); err != nil {
			t.Fatalf("output is not well-formed XML (%v): %q", err, out)
		}
		if again := Sanitize(out, base); again != out {
			t.Fatalf("not idempotent:\n  in %q\nonce %q\n two %q", in, out, again)
		}
		_ = PlainText(out)
		// Clean removes more but goes through the same writer.
		checkSafe(t, in, Clean(in, base, crosswire.Rules{Remove: []string{".x"}}))
	})
}
