package jwo

import (
	"strings"
	"testing"
	"time"
)

// The limits of the documented forms hold exactly at their edges: the
// longest value passes, one more character fails.

func TestItemNameLengthLimits(t *testing.T) {
	for name, ok := range map[string]bool{
		"a": true, strings.Repeat("é", 100): true, strings.Repeat("é", 101): false, "": false,
	} {
		if err := validateItemName(name); (err == nil) != ok {
			t.Errorf("validateItemName(%d runes) = %v", len([]rune(name)), err)
		}
	}
}

func TestPLULengthLimits(t *testing.T) {
	for code, ok := range map[string]bool{"12": false, "123": true, "123456": true, "1234567": false, "12a": false} {
		if err := validateBarcode(code, BarcodePLU); (err == nil) != ok {
			t.Errorf("PLU %q: %v", code, err)
		}
	}
}

func TestStoreNameLengthLimits(t *testing.T) {
	p := StoreProfile{ID: "s1", StoreType: StoreTypeJWO, Region: "us-east-1", EntryMethods: []EntryMethod{EntryPalm}, FraudAndAbuseStrategy: FraudNone}
	for _, tc := range []struct {
		name string
		ok   bool
	}{{"a", true}, {strings.Repeat("ü", 200), true}, {strings.Repeat("ü", 201), false}, {"", false}} {
		p.Name = tc.name
		named := false
		for _, fe := range ValidateStoreProfile(p) {
			named = named || fe.Field == "name"
		}
		if named == tc.ok {
			t.Errorf("a name of %d runes: refused %t, want %t", len([]rune(tc.name)), named, !tc.ok)
		}
	}
}

func TestEndpointURLLengthLimit(t *testing.T) {
	base := "https://connectors.example.com/"
	at := base + strings.Repeat("a", maxEndpointURLLength-len(base))
	if _, err := ParseEndpointURL(at, prod); err != nil {
		t.Errorf("a URL of exactly %d characters: %v", maxEndpointURLLength, err)
	}
	if _, err := ParseEndpointURL(at+"a", prod); err == nil || !strings.Contains(err.Error(), "the limit is") {
		t.Errorf("a URL of %d characters: %v", maxEndpointURLLength+1, err)
	}
}

func TestHostNameLengthLimit(t *testing.T) {
	// Labels of 63, 63, 63 and 60 characters with three dots: 252, then
	// the ".com"-less forms at 253 and 254.
	label := func(n int) string { return strings.Repeat("a", n) }
	host253 := label(63) + "." + label(63) + "." + label(63) + "." + label(57) + ".com"
	if len(host253) != 253 {
		t.Fatalf("test host has %d characters", len(host253))
	}
	if _, err := ParseEndpointURL("https://"+host253+"/", prod); err != nil {
		t.Errorf("a host of 253 characters: %v", err)
	}
	host254 := "b" + host253
	if _, err := ParseEndpointURL("https://"+host254+"/", prod); err == nil || !strings.Contains(err.Error(), "longer than 253") {
		t.Errorf("a host of 254 characters: %v", err)
	}
}

func TestPortLimits(t *testing.T) {
	for port, ok := range map[string]bool{"1": true, "443": true, "65535": true, "0": false, "65536": false, "99999999999": false} {
		_, err := ParseEndpointURL("https://connectors.example.com:"+port+"/", prod)
		if (err == nil) != ok {
			t.Errorf("port %s: %v", port, err)
		}
	}
}

func TestNewStoreKeepsEntryMethodsAndNeverNil(t *testing.T) {
	p := StoreProfile{ID: "s1", StoreType: StoreTypeJWO, EntryMethods: []EntryMethod{EntryAppQR}}
	if got := NewStore(p, nil).EntryMethods; len(got) != 1 || got[0] != EntryAppQR {
		t.Errorf("entry methods %v, want [APP_QR]", got)
	}
	p.EntryMethods = nil
	if got := NewStore(p, nil).EntryMethods; got == nil || len(got) != 0 {
		t.Errorf("entry methods %#v, want an empty list (JSON [] rather than null)", got)
	}
}

func TestOrderingPayloadTripStartsFiveMinutesBefore(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
	req, ok := TestPayload(MethodOrdering, "s1", "WATER-500", SyntheticIDs{RequestID: "r", EventID: "e", TripID: "t", At: at}).(OrderingRequest)
	if !ok {
		t.Fatal("the Ordering payload is not an OrderingRequest")
	}
	if trip := req.ShoppingTrip; !trip.StartTime.Equal(at.Add(-5*time.Minute)) || !trip.EndTime.Equal(at) || len(trip.AuthEvents) != 1 || !trip.AuthEvents[0].Timestamp.Equal(trip.StartTime) {
		t.Errorf("trip %+v, want 09:25 to 09:30 with one entry at 09:25", trip)
	}
}
