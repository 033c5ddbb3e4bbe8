"""Language knowledge in one room, imported by the edition, the hand-over, the cards and the
station: BCP 47 tags as the log stores them (`tags`), what CLDR knows of every language and
territory and the search behind `leaflet pick` (`cldr`, `pick`), the person's language as
an officer types it (`person`), each language's script, direction and fonts (`scripts`, with
the font registry `fonts.toml`) and the characters each font maps (`fonts`).

Nothing is imported here: the hand-over path loads only `tags`, and Babel's CLDR data, the
search index and fontconfig are loaded by the functions that need them.
"""
