# csmexam — 客户服务管理师 mock-exam platform
GO ?= go
DB ?= sqlite:data/csmexam.db
ADDR ?= 127.0.0.1:8080

.PHONY: run build test lint bench cluster-test clean

## run: serve on the embedded SQLite database with the bundled curriculum
run:
	$(GO) run ./cmd/csmexam serve --db '$(DB)' --addr '$(ADDR)'

## build: the csmexam binary in bin/
build:
	$(GO) build -o bin/csmexam ./cmd/csmexam

## test: every test, on SQLite and on MariaDB (127.0.0.1:3306, or CSMEXAM_TEST_MYSQL),
## and the pages in headless Chromium (/usr/bin/chromium; required under CI=true)
test:
	$(GO) test -race -count=1 -timeout 30m ./...

## lint: go vet and gofmt
lint:
	$(GO) vet ./...
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt wants these files formatted:"; echo "$$out"; exit 1; fi

## bench: the benchmarks (no tests)
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

## cluster-test: the Galera fault run (.ci/cluster-test): three galera-4 nodes on ports
## 4401-4403, three servers, HAProxy on 18480; a class of 1,000 (CANDIDATES=N for fewer)
## through a kill -9 of a server and the stop of a node; prints the counts it checks
cluster-test:
	.ci/cluster-test

clean:
	rm -rf bin data
