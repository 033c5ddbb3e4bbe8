"""The translation workflow, below the edition pipeline: the catalogue model (`catalog`:
read a .po, the gettext a template calls), the review and its fingerprint (`review`), XLIFF
exchange with CAT tools (`xliff`), the term bases (`terms`), starting and updating
catalogues (`workflow`), and what the checks and the workflow share (`rules`). Nothing here
renders or runs the checks: the caller (the CLI) passes the checks in where a step needs
them (a review, an import)."""
