package jwo

import (
	"strconv"
	"time"
)

// Change is a save of a connector: when, by whom (a token's name) and
// through which front end.
type Change struct {
	At  time.Time
	By  string
	Via ChangeSource
}

// NewConnector is the connector a first save of in creates: version 1 and
// UNTESTED, since no run has tested it yet.
func NewConnector(storeID string, m Method, in ConnectorInput, ch Change) Connector {
	return Connector{
		StoreID: storeID, Method: m, EndpointURL: in.EndpointURL, EndpointType: in.EndpointType,
		ConnectivityStatus: ConnectivityUntested, Version: 1,
		CreatedAt: ch.At, UpdatedAt: ch.At, UpdatedBy: ch.By, LastChangedVia: ch.Via,
	}
}

// ChangedBy reports whether saving in over c changes the connector: another
// endpoint type, or a URL that names another endpoint. A URL that differs
// only in spelling (host case, a trailing slash; see EquivalentEndpointURLs)
// is the same endpoint, so the portal keeps the saved one and the provider,
// which compares the same way, never plans such a change.
func (c Connector) ChangedBy(in ConnectorInput) bool {
	return c.EndpointType != in.EndpointType || !EquivalentEndpointURLs(c.EndpointURL, in.EndpointURL)
}

// Saved is c after in is saved over it, and whether that changed it. A
// change takes the new URL and type, moves the version (and with it the
// ETag) by one, sets the status back to UNTESTED, because no run has
// tested the new endpoint, and records who changed it through what; no
// change leaves c as it is, its last change's source included.
func (c Connector) Saved(in ConnectorInput, ch Change) (Connector, bool) {
	if !c.ChangedBy(in) {
		return c, false
	}
	c.EndpointURL, c.EndpointType = in.EndpointURL, in.EndpointType
	c.Version++
	c.ConnectivityStatus = ConnectivityUntested
	c.UpdatedAt, c.UpdatedBy, c.LastChangedVia = ch.At, ch.By, ch.Via
	return c, true
}

// ETag is the strong entity tag of a connector at version: the version in
// quotes. The portal sends it, and a client's If-Match repeats it.
func ETag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }
