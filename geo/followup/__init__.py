"""Follow-up: how the promise is going, where presence was, and the police events picture.

The status per commitment (`status`), presence per area (`coverage`), the heatmap (`heat`),
hours per weekday and hour (`hours`) and the lägesbild from polisen.se's events (`events`).
They read what the store holds and count it; the rules for what the follow-up pages and
`lofteskartan status` show have their home here.
"""
