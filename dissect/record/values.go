package record

import "github.com/ctishark/ctishark/dissect"

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
			switch {
			case IsSecret(f) && !showSecrets:
				dst = append(dst, Secret)
			case display && f.Display() != "":
				dst = append(dst, f.Display())
			default:
				dst = append(dst, f.Value.Text())
			}
		}
		if len(f.Children) > 0 {
			dst = appendTreeValues(dst, f.Children, name, display, showSecrets)
		}
	}
	return dst
}
