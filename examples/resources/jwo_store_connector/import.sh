# A connector is imported by its store id and method: STORE_ID/METHOD.
terraform import jwo_store_connector.ordering acme-sea-01/ORDERING
