package render

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ctishark/ctishark/dissect"
)

// The session's dialect is named where it is UCCE, in JSON and on the
// tree's Session line; a UCCX session reads as before dialects existed.
func TestSessionDialect(t *testing.T) {
	for _, tc := range []struct {
		d    dissect.Dialect
		json any
		tree bool
	}{{dissect.DialectUCCX, nil, false}, {dissect.DialectUnknown, nil, false}, {dissect.DialectUCCE, "ucce", true}} {
		r := mkrec(openReq(t), 1, time.Second)
		r.Session.Dialect = tc.d
		var o struct {
			Session map[string]any `json:"session"`
		}
		if err := json.Unmarshal([]byte(render(t, FormatJSONL, Options{}, r)), &o); err != nil {
			t.Fatal(err)
		}
		if o.Session["dialect"] != tc.json {
			t.Errorf("%s: JSON session %v", tc.d, o.Session)
		}
		tree := render(t, FormatTree, Options{}, r)
		if got := strings.Contains(tree, "agent mode, UCCE CTI Server dialect\n"); got != tc.tree {
			t.Errorf("%s: tree Session line:\n%s", tc.d, tree)
		}
	}
}
