"""Disclosure: who may see what, and what a public file may hold.

Roles and classifications and who sees sekretess (`access`), the audience of an export and
the rules for public files (`audience`), the rows of the data set every export is built
from (`rows`), the store read once for an export (`context`), the counts per commitment and
their small-count suppression (`summaries`), the predicates for what a public file may hold,
one per record (`public`), and the calendar feeds and opening-hours text (`publish`). Every rule
about seeing and publishing has its home here.
"""
