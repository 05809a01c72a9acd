package content

import "golang.org/x/net/html/atom"

// elemKind says what the sanitizer does with an element.
type elemKind uint8

const (
	kUnwrap  elemKind = iota // drop the tag, keep its content (also the default for unknown tags)
	kDrop                    // drop the tag and everything in it
	kBlock                   // keep, block level
	kInline                  // keep, inline
	kVoid                    // keep, no content (br, hr, wbr)
	kSpecial                 // handled by its own code (a, img, picture, media, noscript, iframe)
)

// attribute groups an element may keep (besides lang and dir).
const (
	attrCite     = 1 << iota // cite="URL"
	attrDatetime             // datetime
	attrTitle                // title
	attrSpan                 // colspan, rowspan
	attrStart                // start, reversed
)

type elemRule struct {
	kind  elemKind
	name  string // output tag (renames tt→code, section→div, ...)
	attrs uint8
	// keepEmpty: an element that means something with no text (table
	// cells keep a grid in shape); every other empty element is dropped.
	keepEmpty bool
}

// rules is the allowlist. Anything not listed is unwrapped: its tag goes,
// its text stays, so an outlet's custom elements never lose words.
var rules = map[atom.Atom]elemRule{
	// Dropped with their content: active content, embedding, forms, metadata.
	// (object and applet are unwrapped instead: what they hold is the
	// fallback a browser shows when the plugin cannot run, ordinary markup
	// that goes through the same allowlist; their params and embeds are
	// dropped here.)
	atom.Script: {kind: kDrop}, atom.Style: {kind: kDrop}, atom.Object: {kind: kUnwrap},
	atom.Embed: {kind: kDrop}, atom.Applet: {kind: kUnwrap}, atom.Frame: {kind: kDrop},
	atom.Frameset: {kind: kDrop}, atom.Noframes: {kind: kDrop}, atom.Noembed: {kind: kDrop},
	atom.Template: {kind: kDrop}, atom.Slot: {kind: kDrop}, atom.Meta: {kind: kDrop},
	atom.Link: {kind: kDrop}, atom.Base: {kind: kDrop}, atom.Basefont: {kind: kDrop},
	atom.Bgsound: {kind: kDrop}, atom.Head: {kind: kDrop}, atom.Input: {kind: kDrop},
	atom.Button: {kind: kDrop}, atom.Select: {kind: kDrop}, atom.Textarea: {kind: kDrop},
	atom.Option: {kind: kDrop}, atom.Optgroup: {kind: kDrop}, atom.Datalist: {kind: kDrop},
	atom.Output: {kind: kDrop}, atom.Progress: {kind: kDrop}, atom.Meter: {kind: kDrop},
	atom.Canvas: {kind: kDrop}, atom.Map: {kind: kDrop}, atom.Area: {kind: kDrop},
	atom.Track: {kind: kDrop}, atom.Param: {kind: kDrop}, atom.Source: {kind: kDrop},
	atom.Dialog: {kind: kDrop}, atom.Col: {kind: kDrop}, atom.Colgroup: {kind: kDrop},
	atom.Keygen: {kind: kDrop}, atom.Menuitem: {kind: kDrop}, atom.Svg: {kind: kDrop},
	atom.Math: {kind: kDrop}, atom.Image: {kind: kDrop},

	// Handled specially.
	atom.A: {kind: kSpecial}, atom.Img: {kind: kSpecial}, atom.Picture: {kind: kSpecial},
	atom.Video: {kind: kSpecial}, atom.Audio: {kind: kSpecial}, atom.Noscript: {kind: kSpecial},
	atom.Iframe: {kind: kSpecial},

	// Blocks.
	atom.P: {kind: kBlock, name: "p"}, atom.Div: {kind: kBlock, name: "div"},
	atom.H1: {kind: kBlock, name: "h1"}, atom.H2: {kind: kBlock, name: "h2"},
	atom.H3: {kind: kBlock, name: "h3"}, atom.H4: {kind: kBlock, name: "h4"},
	atom.H5: {kind: kBlock, name: "h5"}, atom.H6: {kind: kBlock, name: "h6"},
	atom.Ul: {kind: kBlock, name: "ul"}, atom.Ol: {kind: kBlock, name: "ol", attrs: attrStart},
	atom.Li: {kind: kBlock, name: "li"}, atom.Dl: {kind: kBlock, name: "dl"},
	atom.Dt: {kind: kBlock, name: "dt"}, atom.Dd: {kind: kBlock, name: "dd"},
	atom.Blockquote: {kind: kBlock, name: "blockquote", attrs: attrCite},
	atom.Pre:        {kind: kBlock, name: "pre"}, atom.Xmp: {kind: kBlock, name: "pre"},
	atom.Listing: {kind: kBlock, name: "pre"}, atom.Plaintext: {kind: kBlock, name: "pre"},
	atom.Table: {kind: kBlock, name: "table"}, atom.Caption: {kind: kBlock, name: "caption"},
	atom.Thead: {kind: kBlock, name: "thead"}, atom.Tbody: {kind: kBlock, name: "tbody"},
	atom.Tfoot: {kind: kBlock, name: "tfoot"}, atom.Tr: {kind: kBlock, name: "tr", keepEmpty: true},
	atom.Td:     {kind: kBlock, name: "td", attrs: attrSpan, keepEmpty: true},
	atom.Th:     {kind: kBlock, name: "th", attrs: attrSpan, keepEmpty: true},
	atom.Figure: {kind: kBlock, name: "figure"}, atom.Figcaption: {kind: kBlock, name: "figcaption"},
	atom.Section: {kind: kBlock, name: "div"}, atom.Article: {kind: kBlock, name: "div"},
	atom.Header: {kind: kBlock, name: "div"}, atom.Footer: {kind: kBlock, name: "div"},
	atom.Main: {kind: kBlock, name: "div"}, atom.Aside: {kind: kBlock, name: "div"},
	atom.Nav: {kind: kBlock, name: "div"}, atom.Center: {kind: kBlock, name: "div"},
	atom.Hgroup: {kind: kBlock, name: "div"}, atom.Details: {kind: kBlock, name: "div"},
	atom.Summary: {kind: kBlock, name: "div"}, atom.Fieldset: {kind: kBlock, name: "div"},
	atom.Address: {kind: kBlock, name: "div"}, atom.Menu: {kind: kBlock, name: "ul"},
	atom.Dir: {kind: kBlock, name: "ul"}, atom.Search: {kind: kBlock, name: "div"},

	// Inline.
	atom.Em: {kind: kInline, name: "em"}, atom.Strong: {kind: kInline, name: "strong"},
	atom.B: {kind: kInline, name: "b"}, atom.I: {kind: kInline, name: "i"},
	atom.U: {kind: kInline, name: "u"}, atom.S: {kind: kInline, name: "s"},
	atom.Strike: {kind: kInline, name: "s"}, atom.Sub: {kind: kInline, name: "sub"},
	atom.Sup: {kind: kInline, name: "sup"}, atom.Small: {kind: kInline, name: "small"},
	atom.Mark: {kind: kInline, name: "mark"}, atom.Code: {kind: kInline, name: "code"},
	atom.Tt: {kind: kInline, name: "code"}, atom.Kbd: {kind: kInline, name: "kbd"},
	atom.Samp: {kind: kInline, name: "samp"}, atom.Var: {kind: kInline, name: "var"},
	atom.Q: {kind: kInline, name: "q", attrs: attrCite}, atom.Abbr: {kind: kInline, name: "abbr", attrs: attrTitle},
	atom.Acronym: {kind: kInline, name: "abbr", attrs: attrTitle}, atom.Dfn: {kind: kInline, name: "dfn", attrs: attrTitle},
	atom.Cite: {kind: kInline, name: "cite"}, atom.Time: {kind: kInline, name: "time", attrs: attrDatetime},
	atom.Del:  {kind: kInline, name: "del", attrs: attrCite | attrDatetime},
	atom.Ins:  {kind: kInline, name: "ins", attrs: attrCite | attrDatetime},
	atom.Span: {kind: kInline, name: "span"}, atom.Bdi: {kind: kInline, name: "bdi"},
	atom.Ruby: {kind: kInline, name: "ruby"}, atom.Rt: {kind: kInline, name: "rt"},
	atom.Rp: {kind: kInline, name: "rp"}, atom.Data: {kind: kInline, name: "span"},

	// Void.
	atom.Br: {kind: kVoid, name: "br"}, atom.Hr: {kind: kVoid, name: "hr"},
	atom.Wbr: {kind: kVoid, name: "wbr"},
}

// isBlockAtom reports whether a tag breaks the text flow (for PlainText
// and for junk detection), whatever the sanitizer does with it.
func isBlockAtom(a atom.Atom) bool {
	if r, ok := rules[a]; ok && r.kind == kBlock {
		return true
	}
	switch a {
	case atom.Hr, atom.Br, atom.Video, atom.Audio, atom.Iframe, atom.Form, atom.Noscript:
		return true
	}
	return false
}
