"""The edition pipeline, as its stages: the plan (`plan`: which languages, from which
inputs, their HTML), the checks (`checks`), the PDFs, wallet cards and manifest (`build`),
and the outputs: the print shop's files (`printing`), the language card (`card`), the audio
(`audio`), the static site (`site`), the reviewer's proof (`proof`), and the catalogue each
language was built from (`kept`); `inventory` and `doctor` answer `leaflet languages` and
`leaflet doctor`.

Nothing here is imported by `import leaflet`; WeasyPrint loads only in leaflet.render.pdf,
inside the functions that render.
"""
