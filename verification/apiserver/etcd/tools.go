//go:build tools

// Package tools pins go.etcd.io/etcd/server/v3 so `go mod tidy` keeps it.
package tools

import _ "go.etcd.io/etcd/server/v3/embed"
