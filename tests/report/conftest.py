"""The report's tests: every test runs at an isolated desk (tests/conftest.py): no
LEAFLET_* variable, no workspace found from the current folder (tests that need one pass
--workspace)."""
