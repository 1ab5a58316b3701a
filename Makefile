# Workbench: two commands set everything up on a fresh Debian machine (as root).
#   make run    install missing Debian packages, build in release mode, start the workbench
#   make test   install missing Debian packages, run the whole test suite

DEBIAN_PACKAGES := pkg-config libncursesw5-dev libopenblas-dev libgomp1 libblis-serial-dev libblis-openmp-dev libpng-dev libjpeg62-turbo-dev zlib1g-dev \
                   libfreetype-dev dataset-fashion-mnist fonts-dejavu-core tmux python3
# What only the tests need: the one-node Slurm cluster of scripts/slurm-local.sh.
TEST_PACKAGES := munge slurm-wlm
SWIFT ?= swift
ARGS ?=
# The BLAS: BLIS unless WORKBENCH_BLAS=openblas (Package.swift reads it); the OpenBLAS build
# gets its own build folder so that switching never mixes the two.
ifeq ($(WORKBENCH_BLAS),openblas)
SWIFT_BUILD_PATH := --scratch-path .build-openblas
endif
export WORKBENCH_BLAS
# Idle OpenMP threads (layer kernels, split products) spin ~0.1 ms, not the runtime's ~3 ms, so that the
# suite's parallel tests and processes do not starve each other (the workbench binary sets
# this itself; the test process and the benchmarks get it here).
export GOMP_SPINCOUNT ?= 10000

.PHONY: run test build release deps clean sanitize fuzz fuzz-corpus soak reproduce results bench bench-compare bench-blas

## Install whichever Debian packages are missing; silent when all are present.
deps:
	@missing=""; for p in $(DEBIAN_PACKAGES) $(EXTRA_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null \
	  || { echo "error: could not install:$$missing" >&2; exit 1; }; \
	fi

release: deps
	$(SWIFT) build -c release --product workbench $(SWIFT_BUILD_PATH)

run: release
	$$($(SWIFT) build -c release $(SWIFT_BUILD_PATH) --show-bin-path)/workbench $(ARGS)

build: deps
	$(SWIFT) build $(SWIFT_BUILD_PATH)

## The suite runs tests (and the workbench processes they start) side by side on few cores:
## one BLAS thread each, or two-thread products stall waiting for each other (docs/performance.md).
test: EXTRA_PACKAGES = $(TEST_PACKAGES)
test: deps
	$(SWIFT) build --build-tests $(SWIFT_BUILD_PATH)
	WORKBENCH_THREADS=1 $(SWIFT) test --skip-build $(SWIFT_BUILD_PATH)

## The whole suite under ThreadSanitizer, then AddressSanitizer (each in its own build folder).
## Leak reports are off: the Swift runtime, XCTest and ArgumentParser keep allocations alive
## at exit by design, and those reports would drown real errors.
sanitize: deps
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	WORKBENCH_SANITIZER=thread TSAN_OPTIONS=halt_on_error=1 $(SWIFT) test --sanitize=thread --scratch-path .build-tsan --skip-build
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	WORKBENCH_SANITIZER=address ASAN_OPTIONS=detect_leaks=0:halt_on_error=1 $(SWIFT) test --sanitize=address --scratch-path .build-asan --skip-build

## libFuzzer on every reader of outside bytes (Fuzz/), FUZZ_SECONDS each (default 60).
fuzz: deps
	Fuzz/run.sh

## Rewrites the committed seed corpus (Fuzz/corpus/) from the program's own writers.
fuzz-corpus: deps
	$(SWIFT) build --build-tests
	WORKBENCH_WRITE_CORPUS=1 $(SWIFT) test --skip-build --filter writeSeedCorpus

## A 100-epoch 4-method session in the workbench under a storm of resizes and keys;
## resident memory sampled every epoch (scripts/soak.sh; about an hour on 2 cores); then every
## documented key at random for two minutes: the run cap holds, memory stays flat, q quits (scripts/key-storm.sh).
soak: deps
	scripts/soak.sh
	scripts/key-storm.sh

## The shipped experiments (examples/), figures and tables into docs/results/ (hours on 2 cores;
## REPRODUCE_SUFFIX=-quick runs the quick variants in minutes).
reproduce: deps
	scripts/reproduce.sh

## The performance suite (Benchmarks/, ordo-one/benchmark with malloc counters): the step of every
## method × backbone, its phases, allocations, the kNN evaluation and the sgemm peak. Not in make test.
## It starts from a clean build: SwiftPM kept the workbench's old file list in the benchmark
## package's build and missed source files added since (about a minute more).
bench: deps
	cd Benchmarks && $(SWIFT) package $(SWIFT_BUILD_PATH) clean && $(SWIFT) package $(SWIFT_BUILD_PATH) benchmark

## The training step against PyTorch's on this CPU (scripts/bench_compare.py, alternating pairs).
## PyTorch is not a dependency: TORCH_PYTHON names a python with torch (default .venv-torch), and
## INSTALL_TORCH=1 creates that venv with pip first (several GB of wheels).
TORCH_PYTHON ?= .venv-torch/bin/python
PAIRS ?= 5
bench-compare: release
	@if [ "$(INSTALL_TORCH)" = 1 ] && [ ! -x .venv-torch/bin/python ]; then \
	  python3 -c "import ensurepip" 2>/dev/null || { SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	    $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >/dev/null; }; \
	  python3 -m venv .venv-torch && .venv-torch/bin/pip install -q torch numpy; fi
	@$(TORCH_PYTHON) -c "import torch" 2>/dev/null || { echo "error: no PyTorch at $(TORCH_PYTHON): run make bench-compare INSTALL_TORCH=1 (pip install torch) or pass TORCH_PYTHON=/path/to/python" >&2; exit 1; }
	python3 scripts/bench_compare.py --workbench "$$($(SWIFT) build -c release $(SWIFT_BUILD_PATH) --show-bin-path)/workbench" --python $(TORCH_PYTHON) --pairs $(PAIRS)

## sgemm GFLOPS and allocations per call on the products of the mlp step's linear layers and
## MoCo's queue: OpenBLAS with its own threads and split as the workbench calls it (one
## single-threaded call per core), BLIS's OpenMP build with its own threads, and the serial BLIS
## the workbench links, split, through cblas_sgemm and through CBLISGemm (how the step calls it).
PROBE_SOURCES := Benchmarks/blas_probe.c Sources/CKernels/ParallelGemm.c Sources/CKernels/Parallel.c -ISources/CKernels/include
bench-blas: deps
	mkdir -p .build
	cc -O2 -DOPENBLAS $(PROBE_SOURCES) -o .build/blas-probe-openblas $$(pkg-config --cflags --libs openblas) -l:libgomp.so.1
	for variant in openmp serial; do \
	  cc -O2 -I/usr/include/x86_64-linux-gnu/blis-$$variant $(PROBE_SOURCES) -o .build/blas-probe-blis-$$variant -l:libgomp.so.1 \
	    -L/usr/lib/x86_64-linux-gnu/blis-$$variant -Wl,-rpath,/usr/lib/x86_64-linux-gnu/blis-$$variant -lblis || exit 1; done
	cc -O2 -DWB_EXPERT -I/usr/include/x86_64-linux-gnu/blis-serial $(PROBE_SOURCES) Sources/CBLISGemm/BLISGemm.c -ISources/CBLISGemm/include \
	  -o .build/blas-probe-blis-expert -l:libgomp.so.1 -lpthread \
	  -L/usr/lib/x86_64-linux-gnu/blis-serial -Wl,-rpath,/usr/lib/x86_64-linux-gnu/blis-serial -lblis
	@echo "== OpenBLAS, its threads"; .build/blas-probe-openblas
	@echo "== OpenBLAS, split"; .build/blas-probe-openblas split
	@echo "== BLIS (OpenMP build), its threads"; .build/blas-probe-blis-openmp
	@echo "== BLIS (serial build), split"; .build/blas-probe-blis-serial split
	@echo "== BLIS (serial build), split, through CBLISGemm (the workbench's products)"; .build/blas-probe-blis-expert split

## docs/results.md from what reproduce wrote under docs/results/ (every number read from those files).
results:
	python3 scripts/results.py

clean:
	rm -rf .build .build-tsan .build-asan .build-fuzz .build-soak Fuzz/.build Benchmarks/.build
