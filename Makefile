# Sayr's two commands are `make run` and `make test`; both install what they need first.
# The site is built with plain cargo, tools/split (splits and binds) and wasm-opt (no
# cargo-leptos, no wasm-bindgen-cli needed);
# `make dev` is the cargo-leptos developer loop and installs it on first use.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
ROOT := $(CURDIR)
export CARGO_TARGET_DIR ?= $(ROOT)/target
NAME := sayr
SITE := $(ROOT)/target/site
PKG := $(SITE)/pkg
# Where cargo-leptos builds the browser crate too, so that both paths share one cache.
FRONT_TARGET := $(CARGO_TARGET_DIR)/front
CARGO_LEPTOS_VERSION := 0.3.10
# The workspace's `wasm-bindgen` version: `make dev`'s cargo-leptos needs the CLI of it.
WASM_BINDGEN_VERSION := 0.2.130
S3S_FS_VERSION := 0.14.1
SCHEMATHESIS_VERSION := 4.32.5
NODE_BIN := $(ROOT)/end2end/node_modules/.bin
# Leptos reads the bundle's name when it compiles. The binary embeds the site built here
# (assets/build.rs); only `make dev` serves one from disk (LEPTOS_SITE_ROOT).
export LEPTOS_OUTPUT_NAME := $(NAME)
export SAYR_EMBED_SITE := $(SITE)
export LEPTOS_SITE_PKG_DIR := pkg

.PHONY: run test dev dist tools rust-tools node-tools browser s3-tools smtp-tools otel-tools fuzz-tools proxy-tools bench-tools compress-tools site server e2e e2e-run api-fuzz api-fuzz-run clean bench

## run: build and serve on http://127.0.0.1:3000 (SQLite in ./data, local files, in-process realtime)
run: rust-tools node-tools site server
	$(CARGO_TARGET_DIR)/release/$(NAME) serve

## test: unit and integration tests (SQLite; PostgreSQL/Redis when SAYR_TEST_* are set), then Chromium
test: tools s3-tools smtp-tools otel-tools fuzz-tools proxy-tools site
	@[ -n "$${SAYR_TEST_DATABASE_URL:-}" ] || echo "SKIPPED: the PostgreSQL runs of the integration tests (set SAYR_TEST_DATABASE_URL to run them)"
	# frontend is the browser build: testing it beside server would unify app's hydrate and
	# ssr features into one server binary.
	cargo test --workspace --exclude frontend --locked
	$(MAKE) api-fuzz-run
	$(MAKE) e2e-run

## dev: cargo leptos watch (installs cargo-leptos $(CARGO_LEPTOS_VERSION) on first use, ~40 min)
# cargo-leptos runs the `wasm-bindgen` it finds on PATH (the site build needs none).
dev: rust-tools node-tools
	@command -v cargo-leptos >/dev/null && cargo leptos --version | grep -q "$(CARGO_LEPTOS_VERSION)" \
	  || cargo install cargo-leptos --version $(CARGO_LEPTOS_VERSION) --locked
	@wasm-bindgen --version 2>/dev/null | grep -q "$(WASM_BINDGEN_VERSION)" \
	  || cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --locked
	@# cargo-leptos writes its own bundle into the same target/site: the next `make site`
	@# must build the release one again.
	rm -f $(SITE)/.built
	PATH="$(NODE_BIN):$$PATH" LEPTOS_ENV=DEV LEPTOS_SITE_ROOT=$(SITE) SAYR_EMBED_SITE= cargo leptos watch --split

tools: rust-tools node-tools browser

rust-tools:
	@rustup target list --installed | grep -q wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

node-tools:
	@[ -x $(NODE_BIN)/wasm-opt ] && [ -d end2end/node_modules/playwright-core ] && [ -d end2end/node_modules/oidc-provider ] \
	  && [ -d end2end/node_modules/@octokit/webhooks-examples ] && [ -d end2end/node_modules/axe-core ] \
	  || (cd end2end && npm ci --no-audit --no-fund)

# s3s-fs: the S3-compatible server the file tests start (pinned: newer ones need rustc 1.96;
# ~9 min once, in a throwaway target dir). Only `make test` needs it.
s3-tools:
	@{ s3s-fs --version 2>/dev/null || $(HOME)/.cargo/bin/s3s-fs --version 2>/dev/null; } | grep -q "$(S3S_FS_VERSION)" \
	  || env -u CARGO_TARGET_DIR cargo install s3s-fs --version $(S3S_FS_VERSION) --features binary --locked

# aiosmtpd: the SMTP server the mail tests start (server/tests/api/smtp_catcher.py).
smtp-tools:
	@python3 -c "import aiosmtpd" 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check "aiosmtpd==1.4.6"

# opentelemetry-proto: decodes what the trace test's OTLP receiver gets (server/tests/api/otlp_receiver.py).
OTEL_PROTO_VERSION := 1.45.2
otel-tools:
	@python3 -c "import opentelemetry.proto.collector.trace.v1.trace_service_pb2" 2>/dev/null \
	  || python3 -m pip install --quiet --disable-pip-version-check "opentelemetry-proto==$(OTEL_PROTO_VERSION)"

# schemathesis: generated requests against the OpenAPI document (end2end/api-fuzz).
fuzz-tools:
	@python3 -m schemathesis.cli --version 2>/dev/null | grep -q "$(SCHEMATHESIS_VERSION)" \
	  || python3 -m pip install --quiet --disable-pip-version-check "schemathesis==$(SCHEMATHESIS_VERSION)"

# apt-get waits for a lock that another install holds instead of failing at once.
APT := apt-get -qq -o DPkg::Lock::Timeout=300

# jq: the guide's examples pipe through it (server/tests/api/docs.rs runs them). The colour
# emoji font: the reactions in the screenshots are emoji, not empty boxes.
browser:
	@{ command -v chromium && command -v brotli && command -v jq && [ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]; } >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then $(APT) update && $(APT) install -y chromium brotli jq fonts-noto-color-emoji >/dev/null; \
	  else echo "chromium, brotli, jq or fonts-noto-color-emoji is missing: apt-get install chromium brotli jq fonts-noto-color-emoji"; fi; }

# wrk: the load generator of `make bench`.
bench-tools:
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then $(APT) update && $(APT) install -y wrk >/dev/null; \
	  else echo "wrk is missing: apt-get install wrk"; fi; }

# brotli: the site's .br files, which browsers take before gzip (without it the site is
# precompressed with gzip only, and the binary serves gzip).
compress-tools:
	@command -v brotli >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then $(APT) update && $(APT) install -y brotli >/dev/null; \
	  else echo "brotli is missing (the site gets gzip only): apt-get install brotli"; fi; }

# nginx and Caddy: the proxies end2end/tests/scaled.test.mjs runs (deploy/nginx.conf,
# deploy/Caddyfile) in front of two instances. Only `make test` needs them.
proxy-tools:
	@{ [ -x /usr/sbin/nginx ] || command -v nginx; } >/dev/null && command -v caddy >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then $(APT) update && $(APT) install -y nginx caddy >/dev/null; \
	  else echo "nginx or caddy is missing: apt-get install nginx caddy"; fi; }

## site: the hydrating WASM bundle (split per route), stylesheet and assets in target/site
# Type-erased views (`--cfg erase_components`), as the server's (.cargo/config.toml): the
# two render the same markup only when both are built the same way.
# Each route's view is its own chunk (app/src/routes.rs): the linker keeps relocations
# (--emit-relocs), tools/split cuts the bundle at its split points and binds
# the main module, and wasm-opt shrinks every piece. See BENCHMARKS.md for what it saves.
SPLIT_TOOL := $(CARGO_TARGET_DIR)/split-tool/release/sayr-wasm-split
FRONT_WASM := $(FRONT_TARGET)/wasm32-unknown-unknown/wasm-release/frontend.wasm
site: rust-tools node-tools compress-tools
	cargo build --release --locked --manifest-path tools/split/Cargo.toml --target-dir $(CARGO_TARGET_DIR)/split-tool
	RUSTFLAGS="$${RUSTFLAGS:-} --cfg erase_components -Clink-args=--emit-relocs" cargo build -p frontend --lib \
	  --target wasm32-unknown-unknown --profile wasm-release --locked --target-dir $(FRONT_TARGET)
	@$(MAKE) --no-print-directory $(SITE)/.built

# Remade only when the browser build, the stylesheet or a public file changed: a `make run`
# with nothing changed leaves the site, and so the binary that embeds it, as they are.
$(SITE)/.built: $(FRONT_WASM) $(SPLIT_TOOL) style/main.css $(shell find public -type f)
	rm -rf $(PKG) && mkdir -p $(PKG)
	$(SPLIT_TOOL) $(FRONT_WASM) $(PKG) $(NAME) >/dev/null
	for f in $(PKG)/*.wasm; do \
	  $(NODE_BIN)/wasm-opt -Oz --strip-debug --enable-bulk-memory --enable-nontrapping-float-to-int \
	    $$f -o $$f.opt 2>/dev/null; \
	  mv $$f.opt $$f; \
	done
	# leptos asks for <name>.wasm when LEPTOS_OUTPUT_NAME was set while it compiled (make,
	# cargo-leptos) and for <name>_bg.wasm otherwise (a plain cargo build): serve both.
	cp $(PKG)/$(NAME).wasm $(PKG)/$(NAME)_bg.wasm
	cp style/main.css $(PKG)/$(NAME).css
	cp -r public/. $(SITE)/
	for f in $(PKG)/*.wasm $(PKG)/*.js $(PKG)/$(NAME).css; do \
	  gzip -9 -k -f $$f; \
	  if command -v brotli >/dev/null; then brotli -q 11 -f -k $$f; fi; \
	done
	touch $@

server:
	cargo build -p server --release --locked

## dist: the binary to ship, self-contained and linked whole (fat LTO): target/dist/sayr
dist: rust-tools node-tools site
	cargo build -p server --bin $(NAME) --profile dist --locked

## e2e: browser tests against a real sayr (debug build) and the built site
e2e: site
	cargo build -p server --bin $(NAME) --locked
	$(MAKE) e2e-run

## api-fuzz: schemathesis against a real sayr (debug build), every check, bounded
api-fuzz: fuzz-tools
	cargo build -p server --bin $(NAME) --locked
	$(MAKE) api-fuzz-run

api-fuzz-run:
	SAYR_BIN=$(CARGO_TARGET_DIR)/debug/$(NAME) python3 end2end/api-fuzz/run.py

# `make test` reuses the binary `cargo test` built (a plain `cargo build` would rebuild
# dependencies with other features).
e2e-run:
	cd end2end && SAYR_BIN=$(CARGO_TARGET_DIR)/debug/$(NAME) npm test

## bench: see bench/README.md and BENCHMARKS.md
bench: tools bench-tools site server
	cargo build -p loadtest --release --locked
	bash bench/startup.sh
	bash bench/rest.sh
	bash bench/ws.sh
	bash bench/board.sh
	bash bench/wire.sh

clean:
	rm -rf target/site data
