"""The station: a local web app (`leaflet serve`) with a kiosk where the person finds their
language and reads the leaflet, and a desk where the officer records the hand-over through
the same core function as `leaflet handover`. `app` makes the app; `kiosk_views` and
`desk_views` are its blueprints; `security`, `pages` and `forms` their guards, pages and form
handling; `accounts` and `keys` the desk's accounts, sessions and key; `kiosk` what the kiosk
shows. Flask and waitress are imported only here."""
