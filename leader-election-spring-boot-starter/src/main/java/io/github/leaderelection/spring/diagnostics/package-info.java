/**
 * Diagnostics for missing Kubernetes permissions: a refused lease request (HTTP 403), at
 * startup or later, is explained with the refused verb, resource, namespace and user, and
 * the Role and RoleBinding that grant what leader election needs.
 */
package io.github.leaderelection.spring.diagnostics;
