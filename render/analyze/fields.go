package analyze

import "github.com/ctishark/ctishark/dissect"

// display is a field's symbolic rendering, or its plain value when it has
// none; "" for a missing field.
func display(f *dissect.Field) string {
	if f == nil {
		return ""
	}
	if d := f.Display(); d != "" {
		return d
	}
	return f.Value.Text()
}

// str returns a string field's value ("" when absent).
func str(m *dissect.Message, name string) string {
	s, _ := m.String(name)
	return s
}
