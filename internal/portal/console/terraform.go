package console

import (
	"context"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
)

// terraformState is what the audit log says about Terraform and one
// connector since it was last created.
type terraformState struct {
	Managed    bool // Terraform has written it
	LastChange bool // and the latest change came from Terraform
	Actor      string
}

// terraformStates reads who wrote the store's connectors: a connector is
// managed by Terraform when the provider (by its User-Agent) wrote it since
// it was last created; an edit made elsewhere since is what the next plan
// shows as drift.
func (c *Console) terraformStates(ctx context.Context, caller portal.Caller, storeID string) (map[jwo.Method]terraformState, error) {
	events, err := c.svc.ConnectorWrites(ctx, caller, storeID)
	if err != nil {
		return nil, err
	}
	states := map[jwo.Method]terraformState{}
	for _, ev := range events {
		fromTerraform := portal.ActorVia(ev.Actor) == portal.ViaTerraform
		switch ev.Action {
		case jwo.ActionConnectorDelete:
			delete(states, ev.Method)
		case jwo.ActionConnectorCreate, jwo.ActionConnectorUpdate:
			st := states[ev.Method]
			st.Managed = st.Managed || fromTerraform
			st.LastChange = fromTerraform
			st.Actor = ev.Actor
			states[ev.Method] = st
		}
	}
	return states, nil
}
