"""Everything that must hold before a language version is printed: the checks of an entry
(`entries`), of a catalogue and the workspace's data (`catalogue`), of the laid-out pages
(`layout`), and `leaflet check`'s runner (`runner`). Their Finding, severities and ids are
leaflet.translation.rules, which the translation workflow shares."""
