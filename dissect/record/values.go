package record

import (
	"strings"

	"github.com/ctishark/ctishark/dissect"
)

// FieldValues appends the values of the named field in r to dst, one per
// occurrence: capture and analysis fields (cti.num, cti.time_relative,
// cti.response_time...) from the record, message fields by filter name
// from the decoded tree (mask bits and other children included). Values
// are raw (numbers for enums) unless display; secrets are masked unless
// showSecrets.
func FieldValues(dst []string, r *Record, name string, display, showSecrets bool) []string {
	if mf := LookupMeta(name); mf != nil {
		return mf.AppendText(dst, r, showSecrets)
	}
	m := r.Msg
	if m == nil {
		return dst
	}
	dst = appendTreeValues(dst, m.Header, name, display, showSecrets)
	return appendTreeValues(dst, m.Fields, name, display, showSecrets)
}

func appendTreeValues(dst []string, fs []dissect.Field, name string, display, showSecrets bool) []string {
	for i := range fs {
		f := &fs[i]
		if f.Filter == name {
			dst = append(dst, fieldText(f, display, showSecrets))
		}
		if len(f.Children) > 0 {
			dst = appendTreeValues(dst, f.Children, name, display, showSecrets)
		}
	}
	return dst
}

// fieldText is a message field's value as -e prints it.
func fieldText(f *dissect.Field, display, showSecrets bool) string {
	switch {
	case IsSecret(f) && !showSecrets:
		return Secret
	case display:
		if d := f.Display(); d != "" {
			return d
		}
	}
	return f.Value.Text()
}

// FieldsRead is what columns (-e) read of a message's fields, for a
// dissect.Keep: the definitions whose filter a column names, or whose
// children's filters it names (a NamedVariable's .name, a device ID's
// .primary), and the fields Info reads for a cti.info column. The other
// metadata columns read no field; the expert columns read every expert
// item, which a checked Keep keeps (MetaField.ReadsExpert).
func FieldsRead(columns []string) func(*dissect.FieldDef) bool {
	info := false
	for _, c := range columns {
		if mf := LookupMeta(c); mf != nil && mf.id == metaInfo {
			info = true
		}
	}
	return func(fd *dissect.FieldDef) bool {
		if info && InfoReads(fd) {
			return true
		}
		for _, c := range columns {
			if c == fd.Filter || strings.HasPrefix(c, fd.Filter) && strings.HasPrefix(c[len(fd.Filter):], ".") {
				return true
			}
		}
		return false
	}
}
