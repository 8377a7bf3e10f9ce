package check

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/ctishark/ctishark/cmd/internal/pipeline"
	"github.com/ctishark/ctishark/render"
)

// goldenAssert compares each record in scope, as `read -T jsonl` renders
// it, with the next line of a stored decode, ignoring the keys the rule
// lists: top-level keys (time, num, response_time; session.version with a dot for a
// nested key) or fields by filter name (cti.InvokeID). Lines are compared
// as JSON values, one pair at a time, so memory stays flat.
type goldenAssert struct {
	path   string
	ignore []string
	f      *os.File
	sc     *bufio.Scanner
	line   int
	buf    []byte
	bad    offenders
	extra  int // records beyond the golden file's end
	seen   int
	err    error
}

func newGolden(path string, ignore []string) (*goldenAssert, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	// A golden file is read to its end to count missing lines: a device
	// or a pipe may have none (/dev/urandom never finishes).
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		f.Close()
		if err == nil {
			err = fmt.Errorf("%s is not a regular file", path)
		}
		return nil, err
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	return &goldenAssert{path: path, ignore: ignore, f: f, sc: sc}, nil
}

// next returns the next non-empty golden line, or nil at its end.
func (a *goldenAssert) next() []byte {
	for a.sc.Scan() {
		a.line++
		if b := a.sc.Bytes(); len(bytes.TrimSpace(b)) > 0 {
			return b
		}
	}
	if err := a.sc.Err(); err != nil && a.err == nil {
		a.err = err
	}
	return nil
}

func (a *goldenAssert) observe(r *pipeline.Record) {
	a.seen++
	a.buf = render.AppendJSON(a.buf[:0], r, false)
	want := a.next()
	if want == nil {
		a.extra++
		if a.extra == 1 {
			a.bad.add(r.Num, fmt.Sprintf("#%d: %s ends at line %d; this message and the rest are extra", r.Num, a.path, a.line))
		}
		return
	}
	var g, w any
	if err := json.Unmarshal(a.buf, &g); err != nil {
		a.bad.add(r.Num, fmt.Sprintf("#%d: cannot re-read its own JSON: %v", r.Num, err))
		return
	}
	if err := json.Unmarshal(want, &w); err != nil {
		a.bad.add(r.Num, fmt.Sprintf("#%d: %s:%d is not JSON: %v", r.Num, a.path, a.line, err))
		return
	}
	g, w = a.strip(g), a.strip(w)
	if !reflect.DeepEqual(g, w) {
		a.bad.add(r.Num, fmt.Sprintf("#%d differs from %s:%d: %s", r.Num, a.path, a.line, firstDiff(g, w, "")))
	}
}

// strip removes the ignored keys from a decoded line.
func (a *goldenAssert) strip(v any) any {
	obj, ok := v.(map[string]any)
	if !ok {
		return v
	}
	for _, ig := range a.ignore {
		if strings.HasPrefix(ig, "cti.") {
			// Fields name themselves by "filter", expert items by "field".
			for _, l := range [...]struct{ list, key string }{{"fields", "filter"}, {"expert", "field"}} {
				arr, _ := obj[l.list].([]any)
				if arr == nil {
					continue
				}
				kept := arr[:0:0]
				for _, e := range arr {
					if m, ok := e.(map[string]any); ok && m[l.key] == ig {
						continue
					}
					kept = append(kept, e)
				}
				obj[l.list] = kept
			}
			continue
		}
		cur := obj
		parts := strings.Split(ig, ".")
		for i, p := range parts {
			if i == len(parts)-1 {
				delete(cur, p)
				break
			}
			next, ok := cur[p].(map[string]any)
			if !ok {
				break
			}
			cur = next
		}
	}
	return obj
}

// firstDiff names the first place two decoded JSON values differ.
func firstDiff(got, want any, path string) string {
	show := func(v any) string {
		b, _ := json.Marshal(v)
		s := string(b)
		if len(s) > 120 {
			s = s[:117] + "..."
		}
		return s
	}
	at := path
	if at == "" {
		at = "the message"
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			break
		}
		keys := make([]string, 0, len(w)+len(g))
		for k := range w {
			keys = append(keys, k)
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			gv, gok := g[k]
			wv, wok := w[k]
			sub := k
			if path != "" {
				sub = path + "." + k
			}
			switch {
			case !gok:
				return fmt.Sprintf("%s missing (want %s)", sub, show(wv))
			case !wok:
				return fmt.Sprintf("%s not expected (got %s)", sub, show(gv))
			case !reflect.DeepEqual(gv, wv):
				return firstDiff(gv, wv, sub)
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok {
			break
		}
		for i := 0; i < len(w) && i < len(g); i++ {
			if !reflect.DeepEqual(g[i], w[i]) {
				return firstDiff(g[i], w[i], fmt.Sprintf("%s[%d]", path, i))
			}
		}
		if len(g) != len(w) {
			return fmt.Sprintf("%s has %d entries, want %d", at, len(g), len(w))
		}
	}
	return fmt.Sprintf("%s is %s, want %s", at, show(got), show(want))
}

func (a *goldenAssert) finish(time.Time) outcome {
	defer a.f.Close()
	missing := 0
	first := 0
	for a.next() != nil {
		missing++
		if first == 0 {
			first = a.line
		}
	}
	if a.err != nil {
		return outcome{reason: fmt.Sprintf("reading %s: %v", a.path, a.err)}
	}
	out := a.bad.outcome("difference|differences")
	if a.extra > 1 {
		out.reason += fmt.Sprintf("\n  %d messages beyond the golden file's end", a.extra)
	}
	if missing > 0 {
		out.pass = false
		if out.reason != "" {
			out.reason += "\n  "
		}
		out.reason += fmt.Sprintf("%d golden lines never matched (from %s:%d): the capture has fewer messages", missing, a.path, first)
	}
	if out.pass {
		out.reason = fmt.Sprintf("%d messages equal %s", a.seen, a.path)
	}
	return out
}
