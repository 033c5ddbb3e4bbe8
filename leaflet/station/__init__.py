"""The station: a local web app (`leaflet serve`) with a kiosk where the person finds their
language and reads the leaflet, and a desk where the officer records the hand-over through
the same core function as `leaflet handover`. Flask and waitress are imported only here."""
