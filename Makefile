# Concord's everyday commands. `make help` lists them.
.DEFAULT_GOAL := help
GO ?= go

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

run: ## run concord serve on the embedded database in ./concord-data
	$(GO) run ./cmd/concord serve

build: ## build ./concord
	$(GO) build -o concord ./cmd/concord

test: ## run every test (browser tests need Debian's chromium)
	$(GO) test -race ./...

ci: ## run what CI runs
	bash .ci/run

lint: ## gofmt and go vet
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

generate: ## regenerate templ components
	$(GO) tool templ generate -path web/view

migration: ## add a migration pair: make migration name=add_things
	@test -n "$(name)" || { echo "usage: make migration name=add_things"; exit 2; }
	@n=$$(ls migrations/*.up.sql | sed -E 's#.*/0*([0-9]+)_.*#\1#' | sort -n | tail -1); \
	next=$$(printf '%06d' $$((n + 1))); \
	touch migrations/$${next}_$(name).up.sql migrations/$${next}_$(name).down.sql; \
	echo "created migrations/$${next}_$(name).{up,down}.sql"

.PHONY: help run build test ci lint generate migration
