package render

import (
	"bytes"
	"time"
	"unicode/utf8"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
	"github.com/ctishark/ctishark/render/termtext"
)

// appendPlainRow appends the row of r, a message, as Write prints it
// unaligned and without colour (a pipe, a file, sniff), straight into b:
// the same bytes as padding the seven cells of row, without building
// them as strings first, which cost more than the row's text.
func (t *tableWriter) appendPlainRow(b []byte, r *record.Record) []byte {
	m := r.Msg
	t.num = record.AppendInt(t.num[:0], int64(r.Num))
	b = padLeftBytes(b, t.num, numWidth)
	b = append(b, ' ')
	b = t.appendTime(b, &r.Frame)
	b = append(b, ' ')
	t.num = r.Frame.Src.AppendTo(t.num[:0])
	b = padLeftBytes(b, t.num, 21)
	b = append(b, " → "...)
	t.num = r.Frame.Dst.AppendTo(t.num[:0])
	b = padRightBytes(b, t.num, 21)
	b = append(b, ' ')
	b = padRight(b, m.Name(), 29)
	b = append(b, ' ')
	id, dup := t.labelID(m)
	b = padLeftBytes(b, id, idWidth)
	b = append(b, ' ')
	return t.appendInfoCell(b, r, dup)
}

// labelID is the ID column's text and how Info names the same ID (dup,
// which the Info cell leaves out), record.AppendLabelledID made in t's
// room.
func (t *tableWriter) labelID(m *dissect.Message) (id, dup []byte) {
	t.dup, id, dup = record.AppendLabelledID(t.dup[:0], m)
	return id, dup
}

// appendInfoCell appends the Info cell of r, a message: its text without
// dup, escaped for the terminal (it quotes the wire: AgentID, ANI,
// texts), then how it pairs, less one leading space.
func (t *tableWriter) appendInfoCell(b []byte, r *record.Record, dup []byte) []byte {
	start := len(b)
	t.info = record.AppendInfo(t.info[:0], r.Msg, t.opts.ShowSecrets)
	b = termtext.AppendEscape(b, dropLead(t.info, dup))
	switch {
	case r.Request != nil:
		b = appendPairNote(b, "request", r.Request.Num, r.Request.Latency)
	case r.Response != nil:
		b = appendPairNote(b, "response", r.Response.Num, r.Response.Latency)
	case r.Unanswered:
		b = append(b, " [unanswered]"...)
	case r.Released:
		b = append(b, " [released before its answer]"...)
	}
	if r.Frame.Truncated {
		b = append(b, " [truncated by the capture]"...)
	}
	if len(b) > start && b[start] == ' ' {
		b = append(b[:start], b[start+1:]...)
	}
	return b
}

// dropLead removes lead (the ID column's text) from the start of info:
// "invoke 3" on a bare confirm, "call N" on a call event.
func dropLead(info, lead []byte) []byte {
	switch {
	case len(lead) == 0:
		return info
	case bytes.Equal(info, lead):
		return info[:0]
	case len(info) > len(lead) && info[len(lead)] == ' ' && bytes.HasPrefix(info, lead):
		return info[len(lead)+1:]
	}
	return info
}

// appendPairNote appends how a message points at its partner:
// " [request #12, 1.503 ms]" on an answer, " [response #13, ...]" on a
// request.
func appendPairNote(b []byte, partner string, num int, lat time.Duration) []byte {
	b = append(b, " ["...)
	b = append(b, partner...)
	b = append(b, " #"...)
	b = record.AppendInt(b, int64(num))
	b = append(b, ", "...)
	b = appendMillis(b, lat)
	return append(b, ']')
}

// Millis renders d in milliseconds with microsecond precision: 2.462 ms.
func Millis(d time.Duration) string { return string(appendMillis(nil, d)) }

// appendMillis appends Millis(d).
func appendMillis(b []byte, d time.Duration) []byte {
	us := d.Microseconds()
	if us < 0 {
		b = append(b, '-')
		us = -us
	}
	b = record.AppendInt(b, us/1000)
	frac := us % 1000
	b = append(b, '.', byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10))
	return append(b, " ms"...)
}

// padLeftBytes is padLeft for text without colour codes.
func padLeftBytes(b, s []byte, w int) []byte {
	for n := utf8.RuneCount(s); n < w; n++ {
		b = append(b, ' ')
	}
	return append(b, s...)
}

// padRightBytes is padRight for text without colour codes.
func padRightBytes(b, s []byte, w int) []byte {
	b = append(b, s...)
	for n := utf8.RuneCount(s); n < w; n++ {
		b = append(b, ' ')
	}
	return b
}

// appendTime appends the time column as padLeft(clock.format) would, the
// default relative seconds without building a string.
func (t *tableWriter) appendTime(b []byte, fr *record.Frame) []byte {
	if t.clock.opts.Time != TimeRelative || fr.Time.IsZero() {
		return padLeft(b, t.clock.format(fr), t.timeW)
	}
	t.clock.prev, t.clock.has = fr.Time, true
	t.num = record.AppendSeconds(t.num[:0], fr.Relative())
	return padLeftBytes(b, t.num, t.timeW)
}

// appendLine appends r's streamed line: its row, cut to the width, and
// the line's end.
func (t *tableWriter) appendLine(b []byte, r *record.Record) []byte {
	return append(t.cut(t.appendPlainRow(b, r)), '\n')
}

// Renderer renders the rows of messages ahead (Prerenderer) when they are
// streamed plain: each goroutine gets its own scratch room. Stream
// events, coloured or aligned rows, hex dumps and -t d (which needs the
// row before) are left to Write.
func (t *tableWriter) Renderer() func([]byte, *record.Record) []byte {
	if t.opts.Aligned || t.pal.on || t.opts.Hex || t.opts.Time == TimeDelta {
		return nil
	}
	rt := &tableWriter{opts: t.opts, clock: clock{opts: t.opts}, pal: t.pal, timeW: t.timeW}
	return func(b []byte, r *record.Record) []byte {
		if r.Event != nil {
			return b
		}
		return rt.appendLine(b, r)
	}
}
