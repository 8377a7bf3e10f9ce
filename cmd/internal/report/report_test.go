package report

import (
	"errors"
	"strings"
	"testing"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/internal/inputflags"
	"github.com/spf13/pflag"
)

func TestValidate(t *testing.T) {
	var in inputflags.Options
	var format string
	fl := pflag.NewFlagSet("x", pflag.ContinueOnError)
	AddFormatFlag(fl, &format)
	in.AddFlags(fl)
	if err := fl.Parse(nil); err != nil {
		t.Fatal(err)
	}
	if format != "table" {
		t.Fatalf("-T defaults to %q, want table", format)
	}
	if err := Validate(&in, []string{"a.pcap"}, "json"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		files  []string
		format string
		want   string
	}{
		{[]string{"a.pcap"}, "xml", "-T must be table or json"},
		{nil, "table", "at least one capture"},
		{[]string{"-", "-"}, "table", "only once"},
	} {
		err := Validate(&in, c.files, c.format)
		var ue *factory.UsageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v -T %s: %v, want a usage error with %q", c.files, c.format, err, c.want)
		}
	}
}
