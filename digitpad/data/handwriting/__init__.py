"""``digitpad.data.handwriting``: the user's own labelled drawings — one
sample and its limits (``samples``), the journal they are kept in
(``store``) and the file they are exported to and imported from
(``export_file``); and collections of many writers' digits given for
measurement, in the JSON-lines format of ``collections``.
"""
