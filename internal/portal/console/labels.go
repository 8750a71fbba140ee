package console

import (
	"fmt"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// The page's words for the API's enum values, as the seed pages write them.

func methodLabel(m jwo.Method) string {
	switch m {
	case jwo.MethodIdentity:
		return "Identity"
	case jwo.MethodLoyalty:
		return "Loyalty"
	case jwo.MethodOrdering:
		return "Ordering"
	case jwo.MethodFraudAndAbuse:
		return "Fraud and Abuse"
	}
	return string(m)
}

func storeTypeLabel(t jwo.StoreType) string {
	switch t {
	case jwo.StoreTypeJWO:
		return "Just Walk Out"
	case jwo.StoreTypeDashCart:
		return "Dash Cart"
	}
	return string(t)
}

func completionLabel(s jwo.CompletionStatus) string {
	switch s {
	case jwo.CompletionIncomplete:
		return "Incomplete"
	case jwo.CompletionComplete:
		return "Complete"
	case jwo.CompletionNotRequired:
		return "Not Required"
	}
	return string(s)
}

func statusLabel(s jwo.ConnectivityStatus) string {
	switch s {
	case jwo.ConnectivityUntested:
		return "Untested"
	case jwo.ConnectivitySuccessful:
		return "Successful"
	case jwo.ConnectivityUnsuccessful:
		return "Unsuccessful"
	}
	return string(s)
}

func testStatusLabel(s jwo.TestStatus) string {
	switch s {
	case jwo.TestRunning:
		return "Running"
	case jwo.TestSuccessful:
		return "Successful"
	case jwo.TestUnsuccessful:
		return "Unsuccessful"
	}
	return string(s)
}

func endpointTypeLabel(t jwo.EndpointType) string {
	switch t {
	case jwo.EndpointPublic:
		return "Public"
	case jwo.EndpointPrivate:
		return "Private"
	}
	return string(t)
}

// segment is a method as the console's paths spell it.
func segment(m any) string {
	switch v := m.(type) {
	case jwo.Method:
		return v.PathSegment()
	case string:
		return jwo.Method(v).PathSegment()
	}
	return fmt.Sprint(m)
}

func when(t any) string {
	switch v := t.(type) {
	case time.Time:
		if v.IsZero() {
			return ""
		}
		return v.UTC().Format("2006-01-02 15:04:05 UTC")
	case *time.Time:
		if v == nil {
			return ""
		}
		return when(*v)
	}
	return fmt.Sprint(t)
}
