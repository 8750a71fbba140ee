package provider

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// The terraform on these machines (1.11) exports no schema of list resources
// or actions, so tfplugindocs cannot write their Schema section: their
// templates list the attributes by hand, and this test keeps those lists
// complete and each attribute described as its schema describes it.
func TestHandWrittenDocs_nameEverySchemaAttribute(t *testing.T) {
	t.Parallel()
	srv := newUnconfiguredServer(t)
	resp, err := srv.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]*tfprotov6.Schema{}
	for name, s := range resp.ListResourceSchemas {
		docs["../../docs/list-resources/"+strings.TrimPrefix(name, "jwo_")+".md"] = s
	}
	for name, s := range resp.ActionSchemas {
		docs["../../docs/actions/"+strings.TrimPrefix(name, "jwo_")+".md"] = s.Schema
	}
	if len(docs) == 0 {
		t.Fatal("the provider has no list resource or action")
	}
	for file, s := range docs {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		for _, a := range s.Block.Attributes {
			_, line, ok := strings.Cut(string(b), "\n- `"+a.Name+"` (")
			line, _, _ = strings.Cut(line, "\n")
			switch {
			case !ok:
				t.Errorf("%s does not describe attribute %s", file, a.Name)
			case !strings.Contains(line, ") "+a.Description):
				t.Errorf("%s describes %s as\n\t%q\nwhile its schema says\n\t%q", file, a.Name, line, a.Description)
			}
		}
	}
}
