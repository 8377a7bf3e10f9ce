package view

import (
	"strconv"
	"strings"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/dissect/filter"
	"github.com/ctishark/ctishark/render"
)

// validateFields checks -e and -E against -T and resolves them into
// FieldsView. Field names are those of display filters: each -e name
// is compiled as a filter on its own, so unknown names get the filter
// package's "did you mean" suggestions and the two never disagree.
func (o *Options) validateFields() error {
	if o.View != render.FormatFields {
		if len(o.Fields) > 0 || len(o.FieldOpts) > 0 {
			return factory.Usagef("-e and -E need -T fields")
		}
		return nil
	}
	if len(o.Fields) == 0 {
		return factory.Usagef("-T fields needs at least one -e FIELD (e.g. -e cti.num -e cti.msg_type)")
	}
	if o.Verbose || o.Hex {
		return factory.Usagef("-V and -x show the tree view and the bytes; they cannot be combined with -T fields")
	}
	fo := render.FieldsOptions{Separator: "\t", Aggregator: ","}
	for _, name := range o.Fields {
		if !plainName(name) {
			return factory.Usagef("-e %q: a field name such as cti.AgentID, not an expression", name)
		}
		if _, err := filter.Compile(name); err != nil {
			msg, _, _ := strings.Cut(err.Error(), "\n")
			return factory.Usagef("-e: %s (ctishark fields lists the names)", msg)
		}
		if h := filter.RenameHint(name); h != "" {
			o.fieldHints = append(o.fieldHints, "-e: "+h)
		}
		// frame.number and the other generic aliases print their cti.
		// field, under the name given.
		fo.Fields = append(fo.Fields, filter.Canonical(name))
		fo.Titles = append(fo.Titles, name)
	}
	for _, kv := range o.FieldOpts {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return factory.Usagef("-E %q: want key=value", kv)
		}
		bad := func() error {
			return factory.Usagef("-E %s: invalid value %q", k, v)
		}
		switch k {
		case "separator", "aggregator":
			c := charOption(v)
			if c == "" {
				return bad()
			}
			if k == "separator" {
				fo.Separator = c
			} else {
				fo.Aggregator = c
			}
		case "header", "display":
			b, ok := yesNo(v)
			if !ok {
				return bad()
			}
			if k == "header" {
				fo.Header = b
			} else {
				fo.Display = b
			}
		case "quote":
			switch v {
			case "d":
				fo.Quote = '"'
			case "s":
				fo.Quote = '\''
			case "n":
				fo.Quote = 0
			default:
				return bad()
			}
		case "occurrence":
			switch v {
			case "a":
				fo.Occurrence = 0
			case "f":
				fo.Occurrence = 1
			case "l":
				fo.Occurrence = -1
			default:
				n, err := strconv.Atoi(v)
				if err != nil || n < 1 {
					return factory.Usagef("-E occurrence=%s: want f (first), l (last), a (all) or a position from 1", v)
				}
				fo.Occurrence = n
			}
		default:
			return factory.Usagef("-E %q: unknown option (want separator, aggregator, header, quote, occurrence or display)", k)
		}
	}
	o.FieldsView = fo
	return nil
}

// charOption reads a separator or aggregator: /t tab, /s space, else the
// text itself (tshark's conventions).
func charOption(v string) string {
	switch v {
	case "/t":
		return "\t"
	case "/s":
		return " "
	}
	return v
}

func yesNo(v string) (bool, bool) {
	switch strings.ToLower(v) {
	case "y", "yes", "true", "1":
		return true, true
	case "n", "no", "false", "0":
		return false, true
	}
	return false, false
}

// plainName reports whether s is a bare field name (letters, digits, _ and .).
func plainName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c == '.' || c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}
