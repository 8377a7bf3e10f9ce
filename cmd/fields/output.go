package fields

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/ctishark/ctishark/dissect/filter"
	"github.com/ctishark/ctishark/render/termtext"
	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
)

// maxListed is how many message names a table row shows before "+N".
const maxListed = 3

func fieldRows(fs []filter.FieldInfo) [][]string {
	rows := make([][]string, 0, len(fs))
	for _, f := range fs {
		values := "-"
		if n := len(f.Enum); n > 0 {
			values = strconv.Itoa(n) + " names"
			if f.Mask {
				values = strconv.Itoa(n) + " bits"
			}
		}
		msgs := "-" // metadata and decoder fields: any message
		if n := len(f.Messages); n > 0 {
			msgs = strings.Join(f.Messages[:min(n, maxListed)], ", ")
			if n > maxListed {
				msgs += " +" + strconv.Itoa(n-maxListed)
			}
		}
		rows = append(rows, []string{f.Name, f.Type, values, msgs, f.Description})
	}
	return rows
}

// valueRows lists named values; mask bits in hex, as they are written in
// filters (cti.X & 0x4).
func valueRows(fs []filter.FieldInfo) [][]string {
	var rows [][]string
	for _, f := range fs {
		for _, v := range f.Enum {
			num := strconv.FormatUint(v.Value, 10)
			if f.Mask {
				num = "0x" + strconv.FormatUint(v.Value, 16)
			}
			rows = append(rows, []string{f.Name, num, v.Name})
		}
	}
	return rows
}

// writeTable aligns columns on a terminal; a pipe gets one tab-separated
// line per row, easy to cut and grep.
func writeTable(w io.Writer, aligned bool, header []string, rows [][]string) error {
	if !aligned {
		var b bytes.Buffer
		b.WriteString(strings.Join(header, "\t") + "\n")
		for _, r := range rows {
			b.WriteString(strings.Join(r, "\t") + "\n")
		}
		_, err := w.Write(b.Bytes())
		return err
	}
	var buf bytes.Buffer
	tbl := termtext.NewTable(&buf,
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
	)
	tbl.Header(termtext.Cells(header)...)
	for _, r := range rows {
		if err := tbl.Append(termtext.Cells(r)...); err != nil {
			return err
		}
	}
	if err := tbl.Render(); err != nil {
		return err
	}
	_, err := w.Write(termtext.TrimLineEnds(buf.Bytes()))
	return err
}

// jsonField is the JSON form of a field; every member is always present
// (empty arrays, not null) so scripts need no guards.
type jsonField struct {
	Name        string      `json:"name"`
	Type        string      `json:"type"`
	Description string      `json:"description"`
	Messages    []string    `json:"messages"`
	Values      []jsonValue `json:"values"`
	Mask        bool        `json:"mask"`
}

type jsonValue struct {
	Name  string `json:"name"`
	Value uint64 `json:"value"`
}

func writeJSON(w io.Writer, fs []filter.FieldInfo) error {
	out := make([]jsonField, 0, len(fs))
	for _, f := range fs {
		jf := jsonField{Name: f.Name, Type: f.Type, Description: f.Description, Messages: f.Messages, Mask: f.Mask, Values: []jsonValue{}}
		if jf.Messages == nil {
			jf.Messages = []string{}
		}
		for _, v := range f.Enum {
			jf.Values = append(jf.Values, jsonValue{v.Name, v.Value})
		}
		out = append(out, jf)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
