package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// storeDocs describe a store's attributes for the jwo_store data source and
// the stores that jwo_stores lists.
var storeDocs = attributeDocs{
	"id":         "Id of the store.",
	"name":       "Display name of the store.",
	"store_type": "Kind of store: " + markdownList(jwo.Strings(jwo.StoreTypes)) + ".",
	"region":     "AWS Region of the store, e.g. `us-east-1`.",
	"entry_methods": "How shoppers enter the store, a subset of " + markdownList(jwo.Strings(jwo.EntryMethods)) +
		". `APP_QR` and `BADGE` are retailer-managed and need the `IDENTITY` connector on `JWO` stores.",
	"fraud_and_abuse_strategy": "Fraud and Abuse strategy: " + markdownList(jwo.Strings(jwo.FraudStrategies)) +
		". `AMAZON_RECOMMENDATION` and `CUSTOMER_MANAGED` need the `FRAUD_AND_ABUSE` connector on `JWO` stores.",
	"order_delegation": "Whether charge calculation is delegated to the retailer; if so the store needs the `ORDERING` connector.",
	"loyalty_program":  "Whether the store runs a loyalty scan program; if so it needs the `LOYALTY` connector.",
	"required_methods": "Connector methods the store needs, derived from its profile, in the order " +
		markdownList(jwo.Strings(jwo.Methods)) + ". Only these methods can be configured on the store.",
	"completion_status": "`COMPLETE` when every required method has an endpoint, `INCOMPLETE` when one or more is " +
		"missing, `NOT_REQUIRED` when the store needs no connector. `COMPLETE` does not mean the connectors work: run a " +
		"`jwo_connectivity_test` for that.",
	"missing_methods": "Required methods that have no saved connector yet.",
}

// storeDataModel is a Store as the data sources show it.
type storeDataModel struct {
	ID                    types.String `tfsdk:"id"`
	Name                  types.String `tfsdk:"name"`
	StoreType             types.String `tfsdk:"store_type"`
	Region                types.String `tfsdk:"region"`
	EntryMethods          []string     `tfsdk:"entry_methods"`
	FraudAndAbuseStrategy types.String `tfsdk:"fraud_and_abuse_strategy"`
	OrderDelegation       types.Bool   `tfsdk:"order_delegation"`
	LoyaltyProgram        types.Bool   `tfsdk:"loyalty_program"`
	RequiredMethods       []string     `tfsdk:"required_methods"`
	CompletionStatus      types.String `tfsdk:"completion_status"`
	MissingMethods        []string     `tfsdk:"missing_methods"`
}

func newStoreDataModel(s jwo.Store) storeDataModel {
	return storeDataModel{
		ID:                    types.StringValue(s.ID),
		Name:                  types.StringValue(s.Name),
		StoreType:             types.StringValue(string(s.StoreType)),
		Region:                types.StringValue(s.Region),
		EntryMethods:          enumStrings(s.EntryMethods),
		FraudAndAbuseStrategy: types.StringValue(string(s.FraudAndAbuseStrategy)),
		OrderDelegation:       types.BoolValue(s.OrderDelegation),
		LoyaltyProgram:        types.BoolValue(s.LoyaltyProgram),
		RequiredMethods:       enumStrings(s.RequiredMethods),
		CompletionStatus:      types.StringValue(string(s.CompletionStatus)),
		MissingMethods:        enumStrings(s.MissingMethods),
	}
}

// storeAttributes are the read-only attributes of storeDataModel.
func storeAttributes() map[string]schema.Attribute {
	return computedAttributes(storeDataModel{}, storeDocs)
}
