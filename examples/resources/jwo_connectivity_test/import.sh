# A run is imported by its run id, e.g. one listed by the
# jwo_connectivity_tests data source.
terraform import jwo_connectivity_test.ordering 5f0c6a8e-2b7d-4c1e-9a3f-8d2e7b6c4a10
