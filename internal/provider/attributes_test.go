package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// shows says which object's attributes each schema, and each nested list of
// one ("schema.list"), shows, by the table that describes them; nil marks a
// schema whose attributes are its own (a listing's filters, say). Every
// schema and nested list must be here, so a new one says what it shows.
func shows() map[string]attributeDocs {
	filters := attributeDocs{}
	for name, f := range connectorFilterArguments() {
		filters[name] = f.description
	}
	return map[string]attributeDocs{
		"provider":                                       nil,
		"resource jwo_store_connector":                   connectorDocs,
		"resource jwo_connectivity_test":                 runDocs,
		"resource jwo_connectivity_test.cases":           caseDocs,
		"data source jwo_store_connector":                connectorDocs,
		"data source jwo_store_connectors":               filters,
		"data source jwo_store_connectors.connectors":    connectorDocs,
		"data source jwo_store":                          storeDocs,
		"data source jwo_store.connectors":               connectorDocs,
		"data source jwo_stores":                         nil,
		"data source jwo_stores.stores":                  storeDocs,
		"data source jwo_connectivity_tests":             nil,
		"data source jwo_connectivity_tests.tests":       runDocs,
		"data source jwo_connectivity_tests.tests.cases": caseDocs,
		"data source jwo_completion_status":              nil,
		"data source jwo_completion_status.stores":       nil,
		"list resource jwo_store_connector":              filters,
		"action jwo_run_connectivity_test":               runDocs,
	}
}

// ownAttributes are attributes of a schema that shows an object which are
// not the object's: the schema describes them itself.
var ownAttributes = map[string]bool{
	"data source jwo_store_connectors.id":                 true, // identifies the listing
	"resource jwo_store_connector.connectivity_status":    true, // deprecated, always null (runAttributes)
	"resource jwo_store_connector.last_test_id":           true,
	"resource jwo_connectivity_test.triggers":             true, // when the resource runs a new test
	"resource jwo_connectivity_test.fail_on_unsuccessful": true, // what the apply does with the run
	"action jwo_run_connectivity_test.allow_unsuccessful": true, // what the action does with the run
}

// Each object's attribute is described once: wherever a schema shows it, a
// read-only attribute has its table's description, and an argument that
// description followed by the rules of setting it there. So the resource,
// the data sources, their nested lists and the action never describe one
// attribute of a connector, a run or a store in two ways.
func TestSchemas_describeEachObjectOnce(t *testing.T) {
	schemas, _ := providerSchemas(t)
	objects := shows()
	seen := map[string]bool{}
	var walk func(path string, attrs []*tfprotov6.SchemaAttribute)
	walk = func(path string, attrs []*tfprotov6.SchemaAttribute) {
		docs, ok := objects[path]
		if !ok {
			t.Errorf("%s: say in shows() which object's attributes it shows (nil for none)", path)
		}
		seen[path] = true
		for _, a := range attrs {
			name := path + "." + a.Name
			if a.NestedType != nil {
				walk(name, a.NestedType.Attributes)
				continue
			}
			if docs == nil || ownAttributes[name] {
				continue
			}
			want, ok := docs[a.Name]
			switch {
			case !ok:
				t.Errorf("%s is not in the table of the object it shows: describe it there", name)
			case a.Computed && !a.Optional && !a.Required:
				if a.Description != want {
					t.Errorf("%s (read-only) is described as\n\t%q\nwhile its table says\n\t%q", name, a.Description, want)
				}
			case a.Description != want && !strings.HasPrefix(a.Description, want+" "):
				t.Errorf("%s (an argument) is described as\n\t%q\nwhich does not begin with its table's\n\t%q", name, a.Description, want)
			}
		}
	}
	for name, s := range schemas {
		walk(name, s.Block.Attributes)
	}
	for path := range objects {
		if !seen[path] {
			t.Errorf("shows() names %s, which no schema has", path)
		}
	}
}
