// Package portaltest is the one test harness of the project: a real portal
// served in-process on loopback, on its own fresh database, seeded with the
// fixture of this package, with tokens minted per merchant and role, ready
// clients, and the sample connector served on loopback beside it. Nothing is
// mocked, and nothing listens on, or dials, anything but 127.0.0.1 and ::1.
//
// Only tests import it.
package portaltest
