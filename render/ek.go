package render

import (
	"bufio"
	"io"
	"strconv"

	"github.com/ctishark/ctishark/dissect/record"
)

// ekWriter is tshark's -T ek: newline-delimited JSON for Elasticsearch's
// bulk API. Each message is two lines, an index action naming a daily
// index and the document; the document holds the capture time in
// milliseconds since 1970 as a string and, under layers.cti, the same
// object -T jsonl prints (JSON.md), so one schema serves both.
//
//	{"index":{"_index":"packets-2026-03-02","_type":"doc"}}
//	{"timestamp":"1772442000983","layers":{"cti":{"num":1,...}}}
type ekWriter struct {
	bw   *bufio.Writer
	opts Options
	buf  []byte
	memo jsonMemo // the documents are jsonl's objects: the same memo applies
}

func newEK(w io.Writer, opts Options) *ekWriter {
	return &ekWriter{bw: bufio.NewWriterSize(w, 64<<10), opts: opts}
}

func (e *ekWriter) Write(r *record.Record) error {
	b := append(e.buf[:0], `{"index":{"_index":"packets-`...)
	t := r.Frame.Time
	if t.IsZero() {
		b = append(b, "unknown"...)
	} else {
		b = t.UTC().AppendFormat(b, "2006-01-02")
	}
	b = append(b, `","_type":"doc"}}`+"\n"+`{"timestamp":"`...)
	if !t.IsZero() {
		b = strconv.AppendInt(b, t.UnixMilli(), 10)
	}
	b = append(b, `","layers":{"cti":`...)
	b = appendRecord(b, r, e.opts.ShowSecrets, compactStyle, &e.memo)
	b = append(b, "}}\n"...)
	e.buf = b
	_, err := e.bw.Write(b)
	return err
}

func (e *ekWriter) Flush() error { return e.bw.Flush() }

func (e *ekWriter) Close() error { return e.bw.Flush() }
