//go:build tools

// Package tools pins k8s.io/kubernetes so `go mod tidy` keeps it; the binary
// itself is built with `go build k8s.io/kubernetes/cmd/kube-apiserver`.
package tools

import _ "k8s.io/kubernetes/cmd/kube-apiserver/app"
