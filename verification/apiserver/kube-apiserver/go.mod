// Wrapper module that builds kube-apiserver from the k8s.io/kubernetes module.
// build.sh adds the replace lines for the staging modules (derived from the
// downloaded k8s.io/kubernetes go.mod) in a scratch copy; they are not kept here.
module github.com/leaderelection/tools/kube-apiserver

go 1.26.0
