// Package soak holds the long reliability runs of `make soak`: the portal
// as a real process, killed with SIGKILL in the middle of concurrent writes
// and restarted on the same database. Its tests skip unless JWO_SOAK=1, so
// that `make test` stays fast.
package soak
