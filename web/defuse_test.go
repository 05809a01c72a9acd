package web

import (
	"strings"
	"testing"
)

func TestDefuse(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string   // exact output, when set
		absent  []string // must not appear (case-insensitive)
		present []string
	}{
		{name: "clean html kept", in: `<p>Hello <a href="https://x.org/a">link</a></p><figure><img src="https://x.org/i.jpg" alt="a"><figcaption>c</figcaption></figure>`,
			want: `<p>Hello <a href="https://x.org/a">link</a></p><figure><img src="https://x.org/i.jpg" alt="a"/><figcaption>c</figcaption></figure>`},
		{name: "script dropped", in: `<p>a</p><script>alert(1)</script><p>b</p>`, want: `<p>a</p><p>b</p>`},
		{name: "uppercase script", in: `<SCRIPT SRC=//evil.js></SCRIPT>x`, want: `x`},
		{name: "handlers", in: `<img src="x.png" onerror="alert(1)" ONLOAD=y>`, absent: []string{"onerror", "onload"}, present: []string{`src="x.png"`}},
		{name: "javascript url", in: `<a href="  jAvA&#x09;script:alert(1)">x</a>`, absent: []string{"javascript", "href"}},
		{name: "data html url", in: `<a href="data:text/html,<script>alert(1)</script>">x</a>`, absent: []string{"data:", "<script"}},
		{name: "data image kept", in: `<img src="data:image/png;base64,AAAA">`, present: []string{"data:image/png"}},
		{name: "iframe style form", in: `<iframe src="https://x"></iframe><style>p{}</style><form action="/x"><p>in form</p><input name=a></form>`,
			want: `<p>in form</p>`},
		{name: "svg", in: `<svg><script>alert(1)</script></svg><p>ok</p>`, want: `<p>ok</p>`},
		{name: "style attr", in: `<p style="background:url(javascript:x)">t</p>`, want: `<p>t</p>`},
		{name: "srcset", in: `<img srcset="javascript:alert(1) 1x, a.png 2x" src="a.png">`, absent: []string{"srcset"}},
		{name: "unbalanced closes", in: `<p>a</div></main><b>x`, want: `<p>a<b>x</b></p>`},
		{name: "comment", in: `a<!-- <script>x</script> -->b`, want: `ab`},
		{name: "text escaped", in: `1 &lt; 2 &amp; <b>3</b>`, want: `1 &lt; 2 &amp; <b>3</b>`},
		{name: "meta refresh", in: `<meta http-equiv="refresh" content="0;url=javascript:x"><p>p</p>`, want: `<p>p</p>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := defuse(tt.in)
			if tt.want != "" && got != tt.want {
				t.Errorf("defuse(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			low := strings.ToLower(got)
			for _, a := range append(tt.absent, "<script") {
				if strings.Contains(low, strings.ToLower(a)) {
					t.Errorf("defuse(%q) = %q contains %q", tt.in, got, a)
				}
			}
			for _, p := range tt.present {
				if !strings.Contains(got, p) {
					t.Errorf("defuse(%q) = %q lacks %q", tt.in, got, p)
				}
			}
		})
	}
}
