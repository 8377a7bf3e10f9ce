// Package diag is ctishark's doctor: a table of rules about the CTI
// protocol (session setup, liveness, agents, calls, requests), each with a
// stable code (cti.diag.*), a severity, a one-line summary, an explanation
// in the words of the rule and the guide section it comes from, evaluated
// over the analysed records of a capture.
//
// An Engine sees every record once, in capture order, after pairing (a
// request knows its answer when the pipeline looks ahead) and before any
// display filter; each finding becomes a dissect.Expert on the message it
// concerns, so the views, the -Y filter (cti.expert == cti.diag.*), stats
// and check's no_expert all read the same findings. The pipeline runs one
// Engine per read (cmd/internal/pipeline), so every command agrees.
//
// It sits under dissect, beside dissect/filter and for the same reason:
// it evaluates records, and the pipeline that runs it is linked into the
// Go API (cmd/capture), which must pull in no render package. It imports
// only dissect, dissect/record and the standard library: no terminal, no
// gopacket. The doctor's table view is in cmd/doctor; its JSON document
// (report_json.go, JSON.md) is here so API users can produce it. State is per connection, per client ID and per
// agent, each bounded in entries, so memory stays flat however long the
// capture.
package diag
