package render

import (
	"bytes"
	"strconv"
	"time"

	"github.com/ctishark/ctishark/dissect/record"
	"github.com/ctishark/ctishark/render/termtext"
)

// appendPlainRow appends the row of r, a message, as Write prints it
// unaligned and without colour (a pipe, a file, sniff), straight into b:
// the same bytes as padding the seven cells of row, without building
// them as strings first, which cost more than the row's text.
func (t *tableWriter) appendPlainRow(b []byte, r *record.Record) []byte {
	m := r.Msg
	num := strconv.AppendInt(t.num[:0], int64(r.Num), 10)
	t.num = num
	for n := len(num); n < numWidth; n++ {
		b = append(b, ' ')
	}
	b = append(b, num...)
	b = append(b, ' ')
	b = t.appendTime(b, &r.Frame)
	b = append(b, ' ')
	b = padLeft(b, t.eps.text(r.Frame.Src), 21)
	b = append(b, " → "...)
	b = padRight(b, t.eps.text(r.Frame.Dst), 21)
	b = append(b, ' ')
	b = padRight(b, m.Name(), 29)
	b = append(b, ' ')
	// The ID column, and how Info names the same ID (dup), left out of it.
	kind, idNum := record.LabelID(m)
	dup := t.dup[:0]
	switch kind {
	case record.IDInvoke:
		dup = append(dup, "invoke "...)
	case record.IDHeld:
		dup = append(dup, "held call "...)
	case record.IDCall:
		dup = append(dup, "call "...)
	}
	if kind != record.IDNone {
		dup = strconv.AppendUint(dup, idNum, 10)
	}
	t.dup = dup
	id := dup
	switch kind {
	case record.IDInvoke:
		id = dup[len("invoke "):]
	case record.IDHeld:
		id = dup[len("held "):]
	}
	for n := len(id); n < idWidth; n++ {
		b = append(b, ' ')
	}
	b = append(b, id...)
	b = append(b, ' ')

	// The Info cell: the message's text without the ID column's (escaped
	// for the terminal: it quotes the wire), then how it pairs, less one
	// leading space, as row builds it.
	start := len(b)
	t.info = record.AppendInfo(t.info[:0], m, t.opts.ShowSecrets)
	b = termtext.AppendEscape(b, string(dropLeadBytes(t.info, dup)))
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

// appendPairNote appends pairNote's text.
func appendPairNote(b []byte, partner string, num int, lat time.Duration) []byte {
	b = append(b, " ["...)
	b = append(b, partner...)
	b = append(b, " #"...)
	b = strconv.AppendInt(b, int64(num), 10)
	b = append(b, ", "...)
	b = appendMillis(b, lat)
	return append(b, ']')
}

// appendMillis appends Millis(d).
func appendMillis(b []byte, d time.Duration) []byte {
	us := d.Microseconds()
	if us < 0 {
		b = append(b, '-')
		us = -us
	}
	b = strconv.AppendInt(b, us/1000, 10)
	frac := us % 1000
	b = append(b, '.', byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10))
	return append(b, " ms"...)
}

// appendTime appends the time column as padLeft(clock.format) would, the
// default relative seconds without building a string.
func (t *tableWriter) appendTime(b []byte, fr *record.Frame) []byte {
	if t.clock.opts.Time != TimeRelative || fr.Time.IsZero() {
		return padLeft(b, t.clock.format(fr), t.timeW)
	}
	t.clock.prev, t.clock.has = fr.Time, true
	s := appendSeconds(t.num[:0], fr.Relative())
	t.num = s
	for n := len(s); n < t.timeW; n++ {
		b = append(b, ' ')
	}
	return append(b, s...)
}

// appendSeconds appends record.Seconds(d): seconds with six decimals.
func appendSeconds(b []byte, d time.Duration) []byte {
	if d < 0 {
		b = append(b, '-')
		d = -d
	}
	us := d.Microseconds()
	b = strconv.AppendInt(b, us/1e6, 10)
	b = append(b, '.')
	frac := us % 1e6
	for div := int64(1e5); div > 0; div /= 10 {
		b = append(b, byte('0'+frac/div%10))
	}
	return b
}

// Renderer renders the rows of messages ahead (Prerenderer) when they are
// streamed plain: each goroutine gets its own scratch room and endpoint
// cache. Stream events, coloured or aligned rows, hex dumps and -t d
// (which needs the row before) are left to Write.
func (t *tableWriter) Renderer() func([]byte, *record.Record) []byte {
	if t.opts.Aligned || t.pal.on || t.opts.Hex || t.opts.Time == TimeDelta {
		return nil
	}
	rt := &tableWriter{opts: t.opts, clock: clock{opts: t.opts}, pal: t.pal, timeW: t.timeW}
	return func(b []byte, r *record.Record) []byte {
		if r.Event != nil {
			return b
		}
		start := len(b)
		b = rt.appendPlainRow(b, r)
		b = append(b[:start], rt.cut(b[start:])...)
		return append(b, '\n')
	}
}

// dropLeadBytes is dropLead on bytes.
func dropLeadBytes(info, lead []byte) []byte {
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
