package render

import (
	"bufio"
	"encoding/xml"
	"io"

	"github.com/ctishark/ctishark/dissect/record"
)

// psmlWriter is tshark's -T psml: the packet list as XML, one <packet>
// per message whose <section>s are the table's columns, in the table's
// order, after a <structure> naming them. Cell text is the table's,
// without colour; XML escaping replaces what XML cannot carry.
type psmlWriter struct {
	bw    *bufio.Writer
	table *tableWriter // for its cells and clock
	n     int
}

func newPSML(w io.Writer, opts Options) *psmlWriter {
	opts.Color = false
	return &psmlWriter{bw: bufio.NewWriterSize(w, 64<<10), table: newTable(io.Discard, opts)}
}

func (p *psmlWriter) start() {
	p.bw.WriteString("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<psml version=\"0\" creator=\"ctishark\">\n<structure>\n")
	p.sections(tableHeader)
	p.bw.WriteString("</structure>\n\n")
}

func (p *psmlWriter) sections(cells []string) {
	for _, c := range cells {
		p.bw.WriteString("<section>")
		xml.EscapeText(p.bw, []byte(c))
		p.bw.WriteString("</section>\n")
	}
}

func (p *psmlWriter) Write(r *record.Record) error {
	if p.n == 0 {
		p.start()
	}
	p.n++
	p.bw.WriteString("<packet>\n")
	p.sections(p.table.row(r))
	_, err := p.bw.WriteString("</packet>\n\n")
	return err
}

func (p *psmlWriter) Flush() error { return p.bw.Flush() }

func (p *psmlWriter) Close() error {
	if p.n == 0 {
		p.start()
	}
	p.bw.WriteString("</psml>\n")
	return p.bw.Flush()
}
