# ctishark developer targets. `make check` is what CI runs (see .ci/run).
GO        ?= go
BIN       ?= ./ctishark
PKGS      := ./...
CONFORM   := ../shared/conformance
FUZZTIME  ?= 60s
BENCHTIME ?= 1s
# staticcheck runs at a pinned version through go run, so CI needs no
# tool installed beforehand and every machine checks with the same rules.
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: all build test race check lint generate generate-check conformance bench bench-e2e pgo fuzz sample memrun clean

all: build

# The binary is built with profile-guided optimization from PGO, a CPU
# profile of the views over a generated capture (make pgo remakes it);
# PGO= builds without. go run and go install do not read it: they
# build the plain binary.
PGO ?= cmd/internal/pgo/ctishark.pgo
build:
	$(GO) build $(if $(PGO),-pgo=$(PGO)) -o $(BIN) .

test:
	$(GO) test $(PKGS)

race:
	$(GO) test -race $(PKGS)

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) run $(STATICCHECK) $(PKGS)

generate:
	$(GO) generate ./...

# Fails when the committed generated files differ from what go generate makes.
generate-check:
	$(GO) generate ./...
	@git diff --exit-code -- '*.go' '*.lua' || (echo "generated files are stale: run 'make generate' and commit"; exit 1)

conformance: build
	@if [ -d $(CONFORM) ]; then python3 $(CONFORM)/check.py $(BIN) $(CONFORM)/*.expect.json; \
	else echo "conformance: $(CONFORM) not present, skipped"; fi

# The README's test command: everything CI checks.
check: lint generate-check race conformance

bench:
	$(GO) test -run='^$$' -bench=. -benchmem -benchtime=$(BENCHTIME) ./dissect/... ./reassembly ./render/... ./cmd/...

# End to end: every command against a floor (gopacket read + parse + TCP
# reassembly) on generated 100 MB and 1 GB captures, kept in BENCHDIR.
# Takes several minutes; run it on a quiet machine.
BENCHDIR   ?= /tmp/ctishark-bench
BENCHSIZES ?= 100MB,1GB
BENCHN     ?= 3
bench-e2e: build
	$(GO) run ./cmd/internal/benche2e -bin $(BIN) -dir $(BENCHDIR) -sizes $(BENCHSIZES) -n $(BENCHN) $(BENCHFLAGS)

# Remakes PGO: a CPU profile of each view (the table, jsonl, -T fields,
# -Y, stats, calls, agents, ladder -T json, doctor) over a capture
# generated for it (other connections and seed than bench-e2e's, so the
# benchmark does not run on what the profile was taken from) and over
# the bundled samples, merged; the profiled binary is the plain build.
PGODIR ?= /tmp/ctishark-pgo
pgo:
	rm -rf $(PGODIR) && mkdir -p $(PGODIR)
	$(GO) build -o $(PGODIR)/ctishark .
	$(PGODIR)/ctishark gen --connections 120 --seed 11 --target-size 60MB -w $(PGODIR)/gen.pcap
	n=0; for cap in $(PGODIR)/gen.pcap testdata/sample.pcap testdata/sample-ucce.pcap; do \
		for view in "read" "read -T jsonl" "read -T fields -e cti.num -e cti.msg_type -e cti.CallID -e cti.info" \
			"read -Y cti.msg_type==AGENT_STATE_EVENT -T jsonl" "stats" "calls" "agents" "ladder -T json" "doctor"; do \
			n=$$((n+1)); CTISHARK_CPUPROFILE=$(PGODIR)/$$n.prof $(PGODIR)/ctishark $$view $$cap > /dev/null || exit 1; \
		done; \
	done
	$(GO) tool pprof -proto $(PGODIR)/*.prof > $(PGO)

fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzDecode -fuzztime=$(FUZZTIME) ./dissect
	$(GO) test -run='^$$' -fuzz=FuzzSession -fuzztime=$(FUZZTIME) ./dissect
	$(GO) test -run='^$$' -fuzz=FuzzReader -fuzztime=$(FUZZTIME) ./reassembly

# The read views of the sample are pinned by one small file of line counts
# and checksums (cmd/read/testdata/sample-views.golden): after a deliberate
# change, `go test ./cmd/read -run TestSampleViews -update` rewrites it.
# Peak RSS of every command (read, read -T json, stats, calls, calls -T
# json, agents, agents -T json, ladder -T json, doctor) on issue 14's
# generated memory cases (holes across 500 connections, 2M pcapng
# interface blocks, incomplete IP fragments, 800k one-message
# connections, 1M calls, 1M agents, an unanswered request before huge
# frames), for the binary built from the working tree (about 10 minutes);
# with BASE=<rev>, also for the binary built at that revision, on the same
# files (twice as long). MEMFLAGS passes -case/-cmd/-keep to memrun.
BASE      ?=
MEMDIR    ?= /tmp/ctishark-memrun
MEMFLAGS  ?=
memrun: build
	rm -rf $(MEMDIR) && mkdir -p $(MEMDIR)
	cp $(BIN) $(MEMDIR)/ctishark-new
	if [ -n "$(BASE)" ]; then \
		mkdir -p $(MEMDIR)/base && git archive $(BASE) | tar -x -C $(MEMDIR)/base && \
		(cd $(MEMDIR)/base && $(GO) build -o $(MEMDIR)/ctishark-base .) && \
		$(GO) run ./cmd/internal/memrun -dir $(MEMDIR) $(MEMFLAGS) $(MEMDIR)/ctishark-base $(MEMDIR)/ctishark-new; \
	else \
		$(GO) run ./cmd/internal/memrun -dir $(MEMDIR) $(MEMFLAGS) $(MEMDIR)/ctishark-new; \
	fi

sample: build
	$(BIN) gen -w testdata/sample.pcap
	$(BIN) gen --dialect ucce -w testdata/sample-ucce.pcap

clean:
	rm -f $(BIN)
