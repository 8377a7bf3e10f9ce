package ladder

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ctishark/ctishark/render"
)

// SVG geometry, in user units (pixels at 100%).
const (
	svgMarginX  = 16
	svgGutter   = 120 // time and message number, left of the first lifeline
	svgColW     = 180 // distance between lifelines
	svgHeadTop  = 70  // top of the endpoint boxes
	svgHeadH    = 70  // height of an endpoint box
	svgRowH     = 22  // one arrow per row
	svgLabelGap = 24  // from the last lifeline to the labels
	svgLabelMax = 78  // label runes shown (the full text is in a tooltip)
	svgCharW    = 6.4 // width of a monospace character at 11px, for the canvas size
)

// svgStyle is embedded so the file needs nothing from outside.
const svgStyle = `
text { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; font-size: 11px; fill: #222; }
.title { font-size: 16px; font-weight: bold; }
.sub { font-size: 11px; fill: #555; }
.band { font-size: 11px; font-weight: bold; fill: #333; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.mono, .label, .time { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.time { fill: #666; font-size: 10.5px; }
.label { font-size: 10.5px; }
.head rect { fill: #eef3fb; stroke: #5a7bb5; stroke-width: 1; }
.head.server rect { fill: #e9f5ea; stroke: #4b8f50; }
.head .name { font-size: 14px; font-weight: bold; }
.head .addr { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 10.5px; }
.life { stroke: #9aa5b5; stroke-width: 1; stroke-dasharray: 4 3; }
.stripe { fill: #f5f7fa; }
.arrow line { stroke-width: 1.3; }
.request line { stroke: #2656a8; }
.confirm line { stroke: #2e7d32; }
.event line { stroke: #555; }
.msg { font-size: 10px; font-weight: bold; paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
.request .msg { fill: #2656a8; }
.confirm .msg { fill: #2e7d32; }
.event .msg { fill: #333; }
.lat { fill: #00838f; font-weight: normal; }
.failure line { stroke: #d32f2f; stroke-width: 2; }
.failure .msg, .failure .label, .failure .status { fill: #d32f2f; }
.unanswered line { stroke: #e65100; stroke-dasharray: 6 3; }
.unanswered .msg, .flag { fill: #e65100; }
.gap line { stroke: #e65100; stroke-width: 2; stroke-dasharray: 2 3; }
.gap .msg, .gap .label { fill: #e65100; }
.expert .label { fill: #b26a00; }
.pair { fill: none; stroke: #00838f; stroke-width: 1; }
.pair.failed { stroke: #d32f2f; }
`

// svgLegendW is the width the title and legend need.
const svgLegendW = 1120

// svgX is the x of lifeline i.
func svgX(i int) float64 { return svgMarginX + svgGutter + float64(i)*svgColW }

// WriteSVG renders a whole ladder as one standalone SVG document. Every
// string from the wire goes through the XML escaper.
func WriteSVG(w io.Writer, d *Diagram) error {
	bw := bufio.NewWriterSize(w, writeBuf)
	n := len(d.Endpoints)
	labelX := svgX(max(n-1, 0)) + svgLabelGap
	longest := 0
	for i := range d.Arrows {
		if k := utf8.RuneCountInString(svgLabel(&d.Arrows[i])); k > longest {
			longest = min(k, svgLabelMax+2)
		}
	}
	width := labelX + float64(longest)*svgCharW + svgMarginX
	width = max(width, svgLegendW)
	top := svgHeadTop + svgHeadH + 16
	height := top + (len(d.Arrows)+svgBands(len(d.Arrows)))*svgRowH + 30

	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8"?>`+"\n")
	fmt.Fprintf(bw, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %d" width="%s" height="%d">`+"\n", num(width), height, num(width), height)
	fmt.Fprintf(bw, "<title>%s</title>\n<style>%s</style>\n", esc(d.Title), svgStyle)
	bw.WriteString(`<defs>`)
	for _, m := range []struct{ id, color string }{{"ah-request", "#2656a8"}, {"ah-confirm", "#2e7d32"}, {"ah-event", "#555"}, {"ah-failure", "#d32f2f"}, {"ah-warn", "#e65100"}} {
		fmt.Fprintf(bw, `<marker id="%s" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="%s"/></marker>`, m.id, m.color)
	}
	bw.WriteString("</defs>\n")
	fmt.Fprintf(bw, `<rect width="100%%" height="100%%" fill="#fff"/>`+"\n")

	// Title and legend.
	fmt.Fprintf(bw, `<text class="title" x="%d" y="24">%s</text>`+"\n", svgMarginX, esc(d.Title))
	writeLegend(bw, len(d.Arrows))

	// Endpoints and lifelines.
	bottom := height - 20
	for _, e := range d.Endpoints {
		x := svgX(e.Index)
		fmt.Fprintf(bw, `<line class="life" x1="%s" y1="%d" x2="%s" y2="%d"/>`+"\n", num(x), svgHeadTop+svgHeadH, num(x), bottom)
		bw.WriteString(headBox(e, x))
	}
	fmt.Fprintf(bw, `<text class="sub" x="%d" y="%d">time (s)</text><text class="sub" x="%d" y="%d" text-anchor="end">#</text>`+"\n",
		svgMarginX, top-6, svgMarginX+svgGutter-22, top-6)

	// Rows.
	rowY := make(map[int]int, len(d.Arrows)) // message number -> arrow y, for the pair brackets
	for i := range d.Arrows {
		a := &d.Arrows[i]
		y := top + (i+svgBands(i+1))*svgRowH + svgRowH/2 + 4
		if i > 0 && i%svgBandEvery == 0 {
			// The heads are far above by now: repeat their names.
			for _, e := range d.Endpoints {
				writeBandLabel(bw, e, svgX(e.Index), y-svgRowH)
			}
		}
		if i%2 == 1 {
			fmt.Fprintf(bw, `<rect class="stripe" x="0" y="%d" width="%s" height="%d"/>`+"\n", y-svgRowH/2-4, num(width), svgRowH)
		}
		writeArrow(bw, a, y, labelX)
		if a.Num > 0 {
			rowY[a.Num] = y
		}
	}
	// Brackets joining each request to its confirm, beside the client's lifeline.
	for i := range d.Arrows {
		a := &d.Arrows[i]
		if a.Kind != "confirm" || a.Request == 0 {
			continue
		}
		ry, ok := rowY[a.Request]
		if !ok {
			continue
		}
		cy := rowY[a.Num]
		x := svgX(max(a.From, a.To)) + 8
		cls := "pair"
		if a.Failure {
			cls += " failed"
		}
		fmt.Fprintf(bw, `<path class="%s" d="M%s,%d h4 V%d h-4"><title>%s</title></path>`+"\n", cls, num(x), ry, cy,
			esc(fmt.Sprintf("#%d → #%d: %s", a.Request, a.Num, render.Millis(a.Latency))))
	}
	if len(d.Arrows) == 0 {
		fmt.Fprintf(bw, `<text class="sub" x="%d" y="%d">no CTI messages selected</text>`+"\n", svgMarginX, top+16)
	}
	bw.WriteString("</svg>\n")
	return bw.Flush()
}

func writeLegend(bw *bufio.Writer, arrows int) {
	y := 48
	x := float64(svgMarginX)
	item := func(cls, marker, dash, text string) {
		fmt.Fprintf(bw, `<g class="arrow %s"><line x1="%s" y1="%d" x2="%s" y2="%d" marker-end="url(#%s)"%s/>`, cls, num(x), y-4, num(x+28), y-4, marker, dash)
		fmt.Fprintf(bw, `<text class="sub" x="%s" y="%d">%s</text></g>`, num(x+34), y, esc(text))
		x += 34 + float64(len(text))*6.2 + 18
	}
	item("request", "ah-request", "", "request")
	item("confirm", "ah-confirm", "", "confirm (latency since its request)")
	item("event", "ah-event", "", "event")
	item("failure", "ah-failure", "", "failure (status)")
	item("unanswered", "ah-warn", "", "unanswered request")
	item("gap", "ah-warn", "", "stream gap")
	fmt.Fprintf(bw, `<text class="sub" x="%s" y="%d"><tspan class="flag">⚠</tspan> expert warning/error · %d arrows</text>`+"\n", num(x), y, arrows)
}

// svgBandEvery is how many rows go by before the endpoint names are
// repeated in a band of their own, so a long ladder still says which
// lifeline is which once its heads have scrolled away.
const svgBandEvery = 40

// svgBands is the number of name bands above row n (1-based).
func svgBands(n int) int { return (n - 1) / svgBandEvery }

// writeBandLabel repeats an endpoint's name over its lifeline at y.
func writeBandLabel(bw *bufio.Writer, e *Endpoint, x float64, y int) {
	fmt.Fprintf(bw, `<text class="band" x="%s" y="%d" text-anchor="middle"><title>%s</title>%s</text>`+"\n",
		num(x), y+4, esc(Sanitize(e.Addr.String()+" "+e.Label())), esc(clip(Sanitize(e.Name), 28)))
}

// headBox is an endpoint's box above its lifeline: name, address, label.
func headBox(e *Endpoint, x float64) string {
	const w = svgColW - 14
	role := "client"
	if e.Role == RoleServer {
		role = "server"
	}
	line1, line2 := headLines(e)
	var b strings.Builder
	fmt.Fprintf(&b, `<g class="head %s"><title>%s</title>`, role, esc(Sanitize(e.Addr.String()+" "+e.Label()+dialectWhy(e))))
	fmt.Fprintf(&b, `<rect x="%s" y="%d" width="%d" height="%d" rx="4"/>`, num(x-w/2), svgHeadTop, w, svgHeadH)
	fmt.Fprintf(&b, `<text class="name" x="%s" y="%d" text-anchor="middle">%s</text>`, num(x), svgHeadTop+16, esc(e.Name))
	fmt.Fprintf(&b, `<text class="addr" x="%s" y="%d" text-anchor="middle">%s</text>`, num(x), svgHeadTop+32, esc(e.Addr.String()))
	fmt.Fprintf(&b, `<text x="%s" y="%d" text-anchor="middle">%s</text>`, num(x), svgHeadTop+47, esc(clip(Sanitize(line1), 28)))
	fmt.Fprintf(&b, `<text x="%s" y="%d" text-anchor="middle">%s</text></g>`+"\n", num(x), svgHeadTop+62, esc(clip(Sanitize(line2), 28)))
	return b.String()
}

// headLines splits an endpoint's description over the two lines of its
// box: the client signature, then agent and mode.
func headLines(e *Endpoint) (string, string) {
	if e.Role == RoleServer {
		return "CTI server", ""
	}
	if e.ClientID == "" && e.AgentID == "" && e.Mode == "" {
		return "client", "(no OPEN_REQ seen)"
	}
	var second []string
	// The dialect first: the box clips the line, and the mode is the
	// least news.
	if d := e.DialectLabel(); d != "" {
		second = append(second, d)
	}
	if e.AgentID != "" {
		second = append(second, "agent "+e.AgentID)
	}
	if e.Mode != "" {
		second = append(second, e.Mode+" mode")
	}
	return e.ClientID, strings.Join(second, ", ")
}

// dialectWhy is the reason a UCCE session was taken for UCCE, for the
// head's tooltip ("" otherwise).
func dialectWhy(e *Endpoint) string {
	if !e.UCCE || e.DialectWhy == "" {
		return ""
	}
	return " (" + e.DialectWhy + ")"
}

// writeArrow draws one row: time and number, the arrow with the message
// name above it, the label on the right.
func writeArrow(bw *bufio.Writer, a *Arrow, y int, labelX float64) {
	cls := "arrow " + a.Kind
	marker := "ah-event"
	switch {
	case a.IsEvent():
		cls, marker = "arrow gap", "ah-warn"
	case a.Failure:
		cls += " failure"
		marker = "ah-failure"
	case a.Unanswered:
		cls += " unanswered"
		marker = "ah-warn"
	case a.Kind == "request":
		marker = "ah-request"
	case a.Kind == "confirm":
		marker = "ah-confirm"
	}
	if len(a.Expert) > 0 {
		cls += " expert"
	}
	x1, x2 := svgX(a.From), svgX(a.To)
	// Stop the line short of the receiving lifeline so the head sits on it.
	fmt.Fprintf(bw, `<g class="%s"><title>%s</title>`, cls, esc(tooltip(a)))
	numText := ""
	if a.Num > 0 {
		numText = strconv.Itoa(a.Num)
	}
	fmt.Fprintf(bw, `<text class="time" x="%d" y="%d">%s</text><text class="time" x="%d" y="%d" text-anchor="end">%s</text>`,
		svgMarginX, y+4, seconds(a.Rel), svgMarginX+svgGutter-22, y+4, numText)
	fmt.Fprintf(bw, `<line x1="%s" y1="%d" x2="%s" y2="%d" marker-end="url(#%s)"/>`, num(x1), y, num(x2), y, marker)
	mid := (x1 + x2) / 2
	fmt.Fprintf(bw, `<text class="msg" x="%s" y="%d" text-anchor="middle">%s`, num(mid), y-7, esc(a.MsgType))
	if a.Kind == "confirm" && a.HasLatency {
		fmt.Fprintf(bw, ` <tspan class="lat">%s</tspan>`, esc(render.Millis(a.Latency)))
	}
	bw.WriteString(`</text>`)
	fmt.Fprintf(bw, `<text class="label" x="%s" y="%d">%s</text></g>`+"\n", num(labelX), y+4, esc(svgLabel(a)))
}

// svgLabel is the text right of the ladder: flags first, then the summary.
func svgLabel(a *Arrow) string {
	var parts []string
	if len(a.Expert) > 0 {
		parts = append(parts, "⚠")
	}
	if a.Unanswered {
		parts = append(parts, "UNANSWERED")
	}
	if a.Failure && a.Status != "" && !strings.HasPrefix(a.Label, a.Status) {
		parts = append(parts, a.Status+":")
	}
	parts = append(parts, a.Label)
	return clip(Sanitize(strings.Join(parts, " ")), svgLabelMax)
}

// tooltip is the full description of an arrow, shown on hover.
func tooltip(a *Arrow) string {
	s := a.MsgType
	if a.Num > 0 {
		s = "#" + strconv.Itoa(a.Num) + " " + s
	}
	if a.HasLatency {
		s += " (" + render.Millis(a.Latency) + ")"
	}
	// One line per part: the pieces are sanitized, the line breaks
	// between them are the tooltip's own (XML keeps them as &#xA;).
	lines := []string{Sanitize(s), Sanitize(a.Label)}
	for _, e := range a.Expert {
		lines = append(lines, Sanitize(e))
	}
	return strings.Join(lines, "\n")
}

// clip cuts s to n runes, marking the cut with an ellipsis.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// esc escapes text for XML content and attribute values (both quotes
// included), and replaces characters XML cannot carry.
func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
