package jwo

import (
	"fmt"

	"github.com/google/uuid"
)

// MaxFilterTestIDs is how many run ids one test_id filter of GET /v1/tests
// may list: a caller with more asks in several calls.
const MaxFilterTestIDs = 100

// ValidateTestID checks that id has the form of a run id, a UUID as the
// portal makes them (the id POST .../tests answers).
func ValidateTestID(id string) error {
	if _, err := uuid.Parse(id); err != nil {
		return fmt.Errorf("run id %q is invalid: a run id is a UUID such as 0b8f6d2e-4c1a-4e8b-9a53-2f7c1d9e6a40, as POST .../tests answers it", id)
	}
	return nil
}
