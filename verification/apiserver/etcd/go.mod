// Wrapper module that builds etcd from go.etcd.io/etcd/server/v3, whose module
// root is the etcd main package. `go install module@version` refuses it because
// its go.mod has replace lines, so it is built as a dependency of this module.
module github.com/leaderelection/tools/etcd

go 1.26.0
