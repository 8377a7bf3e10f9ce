package read

import (
	"encoding/hex"
	"strings"
	"testing"
)

// Masking follows the bytes, not the decoded field names: whatever layout
// the user forces, no view shows a password, as text or as hex. (A forced
// 2+2 on a version-13 capture used to decode ClientPassword's bytes into
// other fields and print them in the hex dump and JSON.)
func TestSecretsMaskedUnderForcedLayouts(t *testing.T) {
	p := writeCapture(t, agentSession(t))
	secrets := []string{"hunter2", "s3cret"}
	var leaks []string
	for _, s := range secrets {
		leaks = append(leaks, s, hex.EncodeToString([]byte(s)))
		// hex dumps split bytes with spaces and show them as ASCII too
		var spaced []string
		for _, c := range []byte(s) {
			spaced = append(spaced, hex.EncodeToString([]byte{c}))
		}
		leaks = append(leaks, strings.Join(spaced, " "))
	}
	for _, layout := range []string{"", "1+1", "2+1", "2+2"} {
		for _, view := range [][]string{{"-V", "-x"}, {"-T", "jsonl"}, {"-T", "json"}, {}, {"-T", "fields", "-e", "cti.ClientPassword", "-e", "cti.data", "-e", "cti.unknown_tag"}} {
			args := append([]string{}, view...)
			if layout != "" {
				args = append(args, "--float-header", layout)
			}
			r := run(t, false, nil, append(args, p)...)
			if r.e != nil {
				t.Fatalf("%v: %v %s", args, r.e, r.err)
			}
			for _, leak := range leaks {
				if strings.Contains(r.out, leak) {
					t.Errorf("%v shows %q", args, leak)
				}
			}
		}
	}
	// --show-secrets still shows them.
	if r := run(t, false, nil, "-V", "--show-secrets", p); !strings.Contains(r.out, hex.EncodeToString([]byte("hunter2"))) {
		t.Error("--show-secrets does not show ClientPassword")
	}
}
