// Package replicas holds the tests of several real `jwo-portal serve`
// processes on one throwaway PostgreSQL (pgtest): writes, runs, long polls,
// page tokens and If-Match races across replicas, a replica killed with
// SIGKILL, and PostgreSQL restarted under them. Loopback only; every test
// is bounded in requests and time.
package replicas
