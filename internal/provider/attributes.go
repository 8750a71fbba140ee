package provider

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// attributeDocs describe the attributes of one object (a connector, a run, a
// store) by name, once for every schema that shows it: the resource, the data
// sources, their nested lists and the action. A read-only attribute is
// described by its entry alone; an argument by its entry, then how to set it
// (argument). TestSchemas_describeEachObjectOnce holds every schema to this.
type attributeDocs map[string]string

// of describes the attribute name. An attribute missing from the table has
// no description, which TestSchemas_describeEveryAttribute reports.
func (d attributeDocs) of(name string) string { return d[name] }

// argument describes the argument name: what it is, then the rules of
// setting it in this schema.
func (d attributeDocs) argument(name string, rules ...string) string {
	return strings.Join(append([]string{d[name]}, rules...), " ")
}

var (
	stringType = reflect.TypeFor[types.String]()
	int64Type  = reflect.TypeFor[types.Int64]()
	boolType   = reflect.TypeFor[types.Bool]()
	listType   = reflect.TypeFor[[]string]()
)

// computedAttributes are the read-only data source attributes of model, a
// struct of tfsdk fields (embedded structs included), described by docs: the
// schema of a data model is its fields, so a new field needs only its line
// in docs.
func computedAttributes(model any, docs attributeDocs) map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{}
	addComputedAttributes(attrs, reflect.TypeOf(model), docs)
	return attrs
}

// elemType is the element type of a slice, nil for anything else.
func elemType(t reflect.Type) reflect.Type {
	if t.Kind() != reflect.Slice {
		return nil
	}
	return t.Elem()
}

func addComputedAttributes(attrs map[string]schema.Attribute, t reflect.Type, docs attributeDocs) {
	for f := range t.Fields() {
		if f.Anonymous {
			addComputedAttributes(attrs, f.Type, docs)
			continue
		}
		name, desc := f.Tag.Get("tfsdk"), docs.of(f.Tag.Get("tfsdk"))
		switch f.Type {
		case stringType:
			attrs[name] = schema.StringAttribute{Computed: true, MarkdownDescription: desc}
		case int64Type:
			attrs[name] = schema.Int64Attribute{Computed: true, MarkdownDescription: desc}
		case boolType:
			attrs[name] = schema.BoolAttribute{Computed: true, MarkdownDescription: desc}
		case listType:
			attrs[name] = schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: desc}
		default:
			if docs, ok := nestedDocs[elemType(f.Type)]; ok {
				attrs[name] = schema.ListNestedAttribute{Computed: true, MarkdownDescription: desc,
					NestedObject: schema.NestedAttributeObject{Attributes: computedAttributes(reflect.New(f.Type.Elem()).Elem().Interface(), docs)}}
				continue
			}
			// A programming error that every schema test meets first.
			panic(fmt.Sprintf("%s.%s: no data source attribute for a %s", t.Name(), f.Name, f.Type))
		}
	}
}
